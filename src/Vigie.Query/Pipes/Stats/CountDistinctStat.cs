using System.Text;
using System.Text.Unicode;
using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary><c>count_distinct(f)</c>: distinct texts (ordinal, so <c>500</c> and <c>500.0</c> differ) where f exists.</summary>
/// <remarks>
/// A text is kept in one of three exact sets, by its form (<see cref="CanonicalForms"/>): a canonical
/// IPv4 address as its 4 bytes, a canonical 64-bit integer as its 8 bytes, any other text as the
/// 128-bit hash of its UTF-8 bytes (see <see cref="HashedValueSet"/>). The forms do not overlap and
/// each text has one, so the sets' sizes add up to the count, however a block stored the value:
/// columns stored as addresses or integers feed their numbers without any text
/// (<see cref="AddIpv4"/>, <see cref="AddInt64"/>), other columns their bytes, sorted by form here.
/// UTF-8 maps distinct well-formed texts to distinct bytes; bytes that are not valid UTF-8 are first
/// turned into the text they decode to (and back), as a string would hold them; the rare text with
/// a lone surrogate, which UTF-8 cannot hold, is kept apart as a string.
/// </remarks>
public sealed class CountDistinctStat : StatAccumulator
{
    private const int StackLimit = 512;

    private readonly IntegerSet<uint> _addresses = new();
    private readonly IntegerSet<long> _integers = new();
    private readonly HashedValueSet _others = new();
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
        AddWellFormed(bytes[..Encoding.UTF8.GetBytes(text, bytes)]);
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
            AddWellFormed(utf8);
        }
        else
        {
            AddWellFormed(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8)));
        }
    }

    private void AddWellFormed(ReadOnlySpan<byte> utf8)
    {
        if (CanonicalForms.TryParseIpv4(utf8, out var address))
        {
            _addresses.Add(address);
        }
        else if (CanonicalForms.TryParseInt64(utf8, out var integer))
        {
            _integers.Add(integer);
        }
        else
        {
            _others.Add(utf8);
        }
    }

    /// <summary>Feeds a value whose text is the canonical form of IPv4 address <paramref name="address"/>.</summary>
    public void AddIpv4(uint address) => _addresses.Add(address);

    /// <summary>Feeds a value whose text is the canonical form of <paramref name="integer"/>.</summary>
    public void AddInt64(long integer) => _integers.Add(integer);

    /// <summary>Feeds the addresses of the rows that are selected and present, as many <see cref="AddIpv4"/>.</summary>
    public void AddIpv4s(ReadOnlySpan<uint> addresses, ReadOnlySpan<ValueKind> kinds, ReadOnlySpan<bool> selected)
    {
        for (var r = 0; r < addresses.Length; r++)
        {
            if (selected[r] && kinds[r] != ValueKind.Absent)
            {
                _addresses.Add(addresses[r]);
            }
        }
    }

    /// <summary>Feeds the integers of the rows that are selected and present, as many <see cref="AddInt64"/>.</summary>
    public void AddInt64s(ReadOnlySpan<long> integers, ReadOnlySpan<ValueKind> kinds, ReadOnlySpan<bool> selected)
    {
        for (var r = 0; r < integers.Length; r++)
        {
            if (selected[r] && kinds[r] != ValueKind.Absent)
            {
                _integers.Add(integers[r]);
            }
        }
    }

    public override void AddAbsent(long rows)
    {
    }

    public override void Merge(StatAccumulator other)
    {
        var o = (CountDistinctStat)other;
        _addresses.UnionWith(o._addresses);
        _integers.UnionWith(o._integers);
        _others.UnionWith(o._others);
        _malformed.UnionWith(o._malformed);
    }

    public override FieldValue Finish() => ResultNumbers.Of((long)_addresses.Count + _integers.Count + _others.Count + _malformed.Count);
}
