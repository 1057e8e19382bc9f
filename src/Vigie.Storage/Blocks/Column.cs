using System.Text;
using Vigie.Core;

namespace Vigie.Storage.Blocks;

/// <summary>
/// One field of one block, decoded: per row the value's kind (<see cref="ValueKind.Absent"/> where the
/// row lacks the field) and its UTF-8 bytes, all rows' bytes in one buffer.
/// </summary>
/// <remarks>Immutable once built; safe to read from several query workers at once.</remarks>
public sealed class Column
{
    public Column(string name, ValueKind[] kinds, int[] offsets, byte[] bytes)
    {
        if (offsets.Length != kinds.Length + 1)
        {
            throw new ArgumentException("offsets must have one entry more than kinds", nameof(offsets));
        }
        Name = name;
        Kinds = kinds;
        Offsets = offsets;
        Bytes = bytes;
    }

    public string Name { get; }

    /// <summary>Per row; <see cref="ValueKind.Absent"/> where the row has no value.</summary>
    public ValueKind[] Kinds { get; }

    /// <summary>Row r's value is <c>Bytes[Offsets[r]..Offsets[r + 1]]</c>; an absent row has an empty range.</summary>
    public int[] Offsets { get; }

    public byte[] Bytes { get; }

    public int RowCount => Kinds.Length;

    public bool Has(int row) => Kinds[row] != ValueKind.Absent;

    public ReadOnlySpan<byte> GetValue(int row) => Bytes.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);

    public string GetString(int row) => Encoding.UTF8.GetString(GetValue(row));

    public FieldValue? GetFieldValue(int row) => Has(row) ? new FieldValue(Kinds[row], GetString(row)) : null;
}
