using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

/// <summary>
/// Shares what repeats across the blocks of one part's index while it is read: column names,
/// stream keys, the values of constant and dictionary columns (a host, a service, a level, a
/// path) and the columns' layout are the same in block after block. The index of every live part
/// stays in memory for the server's lifetime, and a copy per block made it most of an idle
/// server's managed heap.
/// </summary>
internal sealed class IndexInterner
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamKey> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<FieldValue, (FieldValue Value, DictEntry Entry)> _values = [];
    private readonly Dictionary<DictEntry[], (DictEntry[] Entries, FieldValue[] Values)> _valueLists = new(SequenceComparer<DictEntry>.Instance);
    private readonly Dictionary<string[], ColumnLayout> _layouts = new(SequenceComparer<string>.Instance);

    public string Name(string name)
    {
        if (_names.TryGetValue(name, out var shared))
        {
            return shared;
        }
        _names.Add(name, name);
        return name;
    }

    public StreamKey Stream(string text, Func<string, StreamKey> parse)
    {
        if (!_streams.TryGetValue(text, out var key))
        {
            key = parse(text);
            _streams.Add(text, key);
        }
        return key;
    }

    /// <summary>The entry for these exact bytes and its value, shared with earlier blocks when they held the same.</summary>
    public (DictEntry Entry, FieldValue Value) Value(ValueKind kind, ReadOnlySpan<byte> bytes)
    {
        var value = new FieldValue(kind, Encoding.UTF8.GetString(bytes));
        if (_values.TryGetValue(value, out var shared))
        {
            // Invalid UTF-8 decodes to the same text from different bytes: share only exact bytes.
            return shared.Entry.Bytes.AsSpan().SequenceEqual(bytes) ? (shared.Entry, shared.Value) : (new DictEntry(kind, bytes.ToArray()), value);
        }
        var entry = new DictEntry(kind, bytes.ToArray());
        _values.Add(value, (value, entry));
        return (entry, value);
    }

    /// <summary>
    /// These entries (each shared by <see cref="Value"/>) and their values as arrays shared with
    /// earlier columns that held the same values in the same order.
    /// </summary>
    public (DictEntry[] Entries, FieldValue[] Values) Values(DictEntry[] entries, FieldValue[] values)
    {
        if (_valueLists.TryGetValue(entries, out var shared))
        {
            return shared;
        }
        _valueLists.Add(entries, (entries, values));
        return (entries, values);
    }

    /// <summary>The layout of these column names, shared with earlier blocks; null when a name repeats.</summary>
    public ColumnLayout? Layout(string[] names)
    {
        if (_layouts.TryGetValue(names, out var layout))
        {
            return layout;
        }
        layout = ColumnLayout.OfDistinct(names);
        if (layout is not null)
        {
            _layouts.Add(names, layout);
        }
        return layout;
    }

    /// <summary>Arrays equal element by element (strings and entries here are shared, so mostly by reference).</summary>
    private sealed class SequenceComparer<T> : IEqualityComparer<T[]>
    {
        public static readonly SequenceComparer<T> Instance = new();

        public bool Equals(T[]? x, T[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(T[] obj)
        {
            var hash = new HashCode();
            foreach (var item in obj)
            {
                hash.Add(item);
            }
            return hash.ToHashCode();
        }
    }
}
