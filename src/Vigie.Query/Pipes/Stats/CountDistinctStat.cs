using System.Text;
using System.Text.Unicode;
using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary><c>count_distinct(f)</c>: distinct texts (ordinal, so <c>500</c> and <c>500.0</c> differ) where f exists.</summary>
/// <remarks>
/// Texts are kept as the 128-bit hashes of their UTF-8 bytes (see <see cref="HashedValueSet"/>); UTF-8
/// maps distinct well-formed texts to distinct bytes. Bytes that are not
/// valid UTF-8 are first turned into the text they decode to (and back), as a string would hold them;
/// the rare text with a lone surrogate, which UTF-8 cannot hold, is kept apart as a string.
/// </remarks>
public sealed class CountDistinctStat : StatAccumulator
{
    private const int StackLimit = 512;

    private readonly HashedValueSet _seen = new();
    private readonly HashSet<string> _malformed = new(StringComparer.Ordinal);

    public override void Add(string? text)
    {
        if (text is null)
        {
            return;
        }
        if (!IsWellFormed(text))
        {
            _malformed.Add(text);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = max <= StackLimit ? stackalloc byte[StackLimit] : new byte[max];
        _seen.Add(bytes[..Encoding.UTF8.GetBytes(text, bytes)]);
    }

    private static bool IsWellFormed(string text)
    {
        var span = text.AsSpan();
        if (!span.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return true;
        }
        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(span[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override void AddUtf8(ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            _seen.Add(utf8);
        }
        else
        {
            _seen.Add(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8)));
        }
    }

    public override void AddAbsent(long rows)
    {
    }

    public override void Merge(StatAccumulator other)
    {
        var o = (CountDistinctStat)other;
        _seen.UnionWith(o._seen);
        _malformed.UnionWith(o._malformed);
    }

    public override FieldValue Finish() => ResultNumbers.Of(_seen.Count + _malformed.Count);
}
