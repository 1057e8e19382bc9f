using System.IO.Hashing;
using System.Text;

namespace Vigie.Core;

/// <summary>
/// The identity of a stream: its stream fields and their values, written canonically as
/// <c>{host="web-1",service="nginx"}</c> (names sorted, values escaped as JSON strings).
/// </summary>
public sealed class StreamKey : IEquatable<StreamKey>
{
    internal const ulong Seed = 0x9E3779B97F4A7C15;

    public static readonly StreamKey Empty = Create([]);

    private StreamKey(string text, ulong hash, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        Text = text;
        Hash = hash;
        Fields = fields;
    }

    /// <summary>The canonical text, which is also the value of the <c>_stream</c> field.</summary>
    public string Text { get; }

    /// <summary>A 64-bit hash of the fields; equal keys have equal hashes.</summary>
    public ulong Hash { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    public static StreamKey Create(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var sorted = fields.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        var text = new StringBuilder("{");
        var hash = Seed;
        for (var i = 0; i < sorted.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }
            AppendName(text, sorted[i].Key);
            text.Append('=');
            AppendQuoted(text, sorted[i].Value);
            hash = Mix(hash, sorted[i].Key, Encoding.UTF8.GetBytes(sorted[i].Value));
        }
        text.Append('}');
        return new StreamKey(text.ToString(), hash, sorted);
    }

    /// <summary>Parses the canonical text back (part headers store only the text).</summary>
    public static StreamKey Parse(string text)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var i = 1;
        while (i < text.Length - 1)
        {
            var nameBuilder = new StringBuilder();
            while (text[i] != '=')
            {
                if (text[i] == '\\')
                {
                    i++;
                }
                nameBuilder.Append(text[i++]);
            }
            var name = nameBuilder.ToString();
            i++;
            var value = new StringBuilder();
            i++; // opening quote
            while (text[i] != '"')
            {
                if (text[i] == '\\')
                {
                    i++;
                    if (text[i] == 'u')
                    {
                        value.Append((char)Convert.ToInt32(text.Substring(i + 1, 4), 16));
                        i += 5;
                        continue;
                    }
                    value.Append(text[i] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var c => c });
                    i++;
                    continue;
                }
                value.Append(text[i++]);
            }
            i++; // closing quote
            fields.Add(new(name, value.ToString()));
            if (i < text.Length && text[i] == ',')
            {
                i++;
            }
        }
        return Create(fields);
    }

    internal static ulong Mix(ulong hash, string name, ReadOnlySpan<byte> value)
    {
        Span<byte> nameBytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(name.Length)];
        var n = Encoding.UTF8.GetBytes(name, nameBytes);
        return Mix(hash, NameHash(nameBytes[..n]), value);
    }

    /// <summary>The hash of a stream field's name, which <see cref="Mix(ulong, ulong, ReadOnlySpan{byte})"/> takes: computed once per batch, not per event.</summary>
    internal static ulong NameHash(ReadOnlySpan<byte> nameUtf8) => XxHash3.HashToUInt64(nameUtf8, unchecked((long)Seed));

    /// <summary>
    /// Adds a field to a key's hash: one xxHash3 of the value, seeded with the hash so far and the
    /// name's hash. Ingestion calls it for every stream field of every event; the name's hash comes
    /// from a table, so an event with two stream fields costs two hash calls rather than four.
    /// </summary>
    internal static ulong Mix(ulong hash, ulong nameHash, ReadOnlySpan<byte> value) =>
        XxHash3.HashToUInt64(value, (long)(hash ^ nameHash)) ^ (ulong)value.Length;

    /// <summary>Names are written bare; the few characters that would make the text ambiguous get a backslash.</summary>
    private static void AppendName(StringBuilder sb, string name)
    {
        foreach (var c in name)
        {
            if (c is '\\' or '=' or ',' or '"' or '{' or '}')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
    }

    private static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }

    public bool Equals(StreamKey? other) => other is not null && Hash == other.Hash && Text == other.Text;

    public override bool Equals(object? obj) => Equals(obj as StreamKey);

    public override int GetHashCode() => (int)Hash;

    public override string ToString() => Text;
}
