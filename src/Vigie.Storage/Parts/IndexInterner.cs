using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;
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
    private readonly Dictionary<FieldValue, FieldValue> _values = [];
    private readonly Dictionary<FieldValue[], (FieldValue[] Values, ColumnEntries Entries)> _valueLists = new(SequenceComparer<FieldValue>.Instance);
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

    /// <summary>
    /// Stream keys of the parts read lately, shared between parts: every part holds blocks of
    /// mostly the same few hundred streams, and each part's copy of a key (its text, its fields)
    /// stayed in memory as long as the part. Bounded: emptied when full.
    /// </summary>
    private static readonly ConcurrentDictionary<string, StreamKey> RecentStreams = new(StringComparer.Ordinal);

    private const int MaxRecentStreams = 16 * 1024;

    public StreamKey Stream(string text, Func<string, StreamKey> parse)
    {
        if (!_streams.TryGetValue(text, out var key))
        {
            if (!RecentStreams.TryGetValue(text, out key))
            {
                key = parse(text);
                if (RecentStreams.Count >= MaxRecentStreams)
                {
                    RecentStreams.Clear();
                }
                RecentStreams.TryAdd(key.Text, key);
            }
            _streams.Add(text, key);
        }
        return key;
    }

    /// <summary>
    /// The value of these bytes, shared with earlier blocks when they held the same; whether its
    /// text encodes back to exactly these bytes (invalid UTF-8 decodes to replacement characters).
    /// </summary>
    public FieldValue Value(ValueKind kind, ReadOnlySpan<byte> bytes, out bool roundTrips)
    {
        roundTrips = Utf8.IsValid(bytes);
        var value = new FieldValue(kind, Encoding.UTF8.GetString(bytes));
        if (_values.TryGetValue(value, out var shared))
        {
            return shared;
        }
        _values.Add(value, value);
        return value;
    }

    /// <summary>
    /// These values (each shared by <see cref="Value"/>, each round-tripping) as an array shared
    /// with earlier columns that held the same values in the same order, with their entries.
    /// </summary>
    public (FieldValue[] Values, ColumnEntries Entries) Values(FieldValue[] values)
    {
        if (_valueLists.TryGetValue(values, out var shared))
        {
            return shared;
        }
        shared = (values, new ColumnEntries(values));
        _valueLists.Add(values, shared);
        return shared;
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
