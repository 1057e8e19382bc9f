using System.Text;
using Vigie.Core;

namespace Vigie.Storage.Blocks;

/// <summary>
/// One column being built: kinds, offsets and bytes in growable arrays kept across blocks by
/// <see cref="ColumnarBlockBuilder"/>, so that appending a row allocates nothing once warm.
/// </summary>
/// <remarks>
/// <c>_offsets</c> holds at least one entry more than <c>_kinds</c> (more when lent arrays are larger).
/// Rows are filled in order. A row the column skipped is padded as absent when a later row, or
/// <see cref="ToColumn"/>, reaches past it. Owned by one builder; not thread-safe.
/// </remarks>
internal sealed class ColumnBuffer
{
    private const int RetainLimitBytes = LentBuffers.RetainLimitBytes;

    private ValueKind[] _kinds = new ValueKind[64];
    private int[] _offsets = new int[65];
    private byte[] _bytes = new byte[1024];
    private int _rows;

    public string Name { get; private set; } = "";

    public int ByteLength => _offsets[_rows];

    /// <summary>Starts a column for a new block, keeping the arrays.</summary>
    public void Reset(string name)
    {
        Name = name;
        _rows = 0;
        _offsets[0] = 0;
    }

    /// <summary>True when the buffers grew so large that keeping them for the next block would hoard memory.</summary>
    public bool TooLargeToRetain => _bytes.Length > RetainLimitBytes;

    /// <summary>
    /// Opens row <paramref name="row"/> for a value of at most <paramref name="maxBytes"/> bytes and returns
    /// how many bytes a value set earlier in the same row held (0 if none): a repeated field replaces it.
    /// </summary>
    public Span<byte> BeginValue(int row, ValueKind kind, int maxBytes, out int replacedBytes)
    {
        if (kind == ValueKind.Absent)
        {
            throw new ArgumentException("A value that exists cannot be Absent.", nameof(kind));
        }
        replacedBytes = 0;
        if (_rows == row + 1)
        {
            replacedBytes = _offsets[row + 1] - _offsets[row];
            _rows = row;
        }
        PadTo(row);
        EnsureRows(row + 1);
        var start = _offsets[row];
        EnsureBytes(start + maxBytes);
        _kinds[row] = kind;
        return _bytes.AsSpan(start, maxBytes);
    }

    /// <summary>Closes the row opened by <see cref="BeginValue"/> with the bytes actually written.</summary>
    public void EndValue(int row, int length)
    {
        _offsets[row + 1] = _offsets[row] + length;
        _rows = row + 1;
    }

    /// <summary>Sets row <paramref name="row"/>; returns by how many bytes the column grew (negative if a longer value was replaced).</summary>
    public int Set(int row, ValueKind kind, ReadOnlySpan<byte> value)
    {
        // The usual case, the next row with room to spare, without the general path's checks.
        if (row == _rows && row < _kinds.Length && kind != ValueKind.Absent)
        {
            var start = _offsets[row];
            var end = start + value.Length;
            if ((uint)end <= (uint)_bytes.Length)
            {
                _kinds[row] = kind;
                value.CopyTo(_bytes.AsSpan(start));
                _offsets[row + 1] = end;
                _rows = row + 1;
                return value.Length;
            }
        }
        var span = BeginValue(row, kind, value.Length, out var replaced);
        value.CopyTo(span);
        EndValue(row, value.Length);
        return value.Length - replaced;
    }

    public int Set(int row, ValueKind kind, string value)
    {
        var span = BeginValue(row, kind, Encoding.UTF8.GetMaxByteCount(value.Length), out var replaced);
        var n = Encoding.UTF8.GetBytes(value, span);
        EndValue(row, n);
        return n - replaced;
    }

    /// <summary>
    /// The first <paramref name="rowCount"/> rows as a column whose arrays are this buffer's own, lent
    /// rather than copied (the column's <see cref="Column.Kinds"/>, <see cref="Column.Offsets"/> and
    /// <see cref="Column.Bytes"/> are then longer than its rows); the buffer goes on, empty, with arrays
    /// at least as large from <paramref name="lender"/> and <paramref name="rows"/>.
    /// </summary>
    public Column LendColumn(int rowCount, LentBuffers lender, LentRows rows)
    {
        PadTo(rowCount);
        var column = new Column(Name, _kinds, _offsets, _bytes, rowCount);
        _kinds = rows.Kinds.Rent(_kinds.Length);
        _offsets = rows.Offsets.Rent(_kinds.Length + 1);
        _bytes = lender.Rent(_bytes.Length);
        _rows = 0;
        _offsets[0] = 0;
        return column;
    }

    /// <summary>Copies the first <paramref name="rowCount"/> rows out as an immutable column.</summary>
    public Column ToColumn(int rowCount)
    {
        PadTo(rowCount);
        var kinds = _kinds.AsSpan(0, rowCount).ToArray();
        var offsets = _offsets.AsSpan(0, rowCount + 1).ToArray();
        var bytes = _bytes.AsSpan(0, offsets[rowCount]).ToArray();
        return new Column(Name, kinds, offsets, bytes);
    }

    private void PadTo(int row)
    {
        if (_rows >= row)
        {
            return;
        }
        EnsureRows(row);
        var end = _offsets[_rows];
        _kinds.AsSpan(_rows, row - _rows).Clear();
        _offsets.AsSpan(_rows + 1, row - _rows).Fill(end);
        _rows = row;
    }

    private void EnsureRows(int rows)
    {
        if (rows <= _kinds.Length)
        {
            return;
        }
        var size = Math.Max(rows, _kinds.Length * 2);
        Array.Resize(ref _kinds, size);
        // Lent offsets may be longer than the kinds and one: they need be no shorter.
        if (_offsets.Length < size + 1)
        {
            Array.Resize(ref _offsets, size + 1);
        }
    }

    private void EnsureBytes(int bytes)
    {
        if (bytes <= _bytes.Length)
        {
            return;
        }
        Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(bytes, (long)_bytes.Length * 2)));
    }
}
