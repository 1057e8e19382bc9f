using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using Vigie.Core;

namespace Vigie.Ingestion;

/// <summary>
/// The fast path of <see cref="NdjsonLineParser"/>: a scanner over the line's UTF-8 bytes that adds the
/// event straight into the batch, with vectorised searches for the end of each string and no reader
/// state per token. It accepts only lines it can read exactly as the reference path
/// (<see cref="System.Text.Json.Utf8JsonReader"/>) does; on anything else (invalid JSON, a rare
/// construct such as a surrogate escape or deep nesting) it gives up, the event is cancelled and the
/// reference path reads the line again, so that errors and their wording stay those of the reference.
/// </summary>
internal sealed partial class NdjsonLineParser
{
    /// <summary>Deeper lines go to the reference path, which enforces its own depth limit.</summary>
    private const int FastMaxDepth = 48;

    private bool _candidatesSet;

    /// <summary>Adds the event of a well-formed line; false (with a partial event to cancel) when the reference path must decide.</summary>
    private bool TryAddFast(ReadOnlySpan<byte> line, EventBatch batch)
    {
        var i = SkipWhitespace(line, 0);
        if (i >= line.Length || line[i] != '{')
        {
            return false;
        }
        if (_candidatesSet)
        {
            Array.Fill(_candidates, default);
            _candidatesSet = false;
        }
        var hasTime = false;
        var messageWritten = false;
        i++;
        if (!ScanMembers(line, ref i, batch, 0, 1, ref hasTime, ref messageWritten) || SkipWhitespace(line, i) != line.Length)
        {
            return false;
        }
        return !_candidatesSet || AddMessageCandidatesFast(line, batch, messageWritten);
    }

    /// <summary>Reads the members of an object whose '{' is just behind <paramref name="i"/>, to its '}'.</summary>
    private bool ScanMembers(ReadOnlySpan<byte> line, ref int i, EventBatch batch, int prefixLength, int depth, ref bool hasTime, ref bool messageWritten)
    {
        i = SkipWhitespace(line, i);
        if (i < line.Length && line[i] == '}')
        {
            i++;
            return true;
        }
        while (true)
        {
            if (i >= line.Length || line[i] != '"')
            {
                return false;
            }
            i++;
            int nameLength, nameInLine, role;
            var nameId = -1;
            var shortEntry = NotShort;
            var shortKey = default(Vector128<byte>);
            var shortLength = depth == 1 ? ReadShortName(line, i, out shortKey) : -1;
            if (shortLength >= 0)
            {
                nameLength = shortLength;
                nameInLine = i;
                i += shortLength + 1;
                shortEntry = FindShortName(shortKey);
                if (shortEntry >= 0)
                {
                    ref var known = ref _shortNames[shortEntry];
                    role = known.Role;
                    nameId = known.Id;
                }
                else
                {
                    role = RoleOf(line.Slice(nameInLine, nameLength));
                    if (role is TimeRole or StreamRole)
                    {
                        // Never interned, so filed now, without an id.
                        AddShortName(~shortEntry, shortKey, -1, role);
                        shortEntry = NotShort;
                    }
                }
            }
            else
            {
                nameLength = ReadName(line, ref i, prefixLength, depth > 1, out nameInLine);
                if (nameLength < 0)
                {
                    return false;
                }
                role = RoleOf(nameInLine >= 0 ? line.Slice(nameInLine, nameLength) : _name.AsSpan(0, nameLength));
            }
            var name = nameInLine >= 0 ? line.Slice(nameInLine, nameLength) : _name.AsSpan(0, nameLength);
            i = SkipWhitespace(line, i);
            if (i >= line.Length || line[i] != ':')
            {
                return false;
            }
            i = SkipWhitespace(line, i + 1);
            if (i >= line.Length)
            {
                return false;
            }
            if (line[i] == '{')
            {
                // An object under _time is an error and one under _stream is skipped: the reference path's business.
                if (depth >= FastMaxDepth || role is TimeRole or StreamRole)
                {
                    return false;
                }
                if (nameInLine >= 0)
                {
                    // The members' names are built after it in the name buffer.
                    EnsureNameRoom(nameLength, 0);
                    name.CopyTo(_name);
                }
                i++;
                if (!ScanMembers(line, ref i, batch, nameLength, depth + 1, ref hasTime, ref messageWritten))
                {
                    return false;
                }
            }
            else if (!AddValueFast(line, ref i, batch, name, new KnownName(role, nameId, shortEntry, shortKey), depth, ref hasTime, ref messageWritten))
            {
                return false;
            }
            i = SkipWhitespace(line, i);
            if (i >= line.Length)
            {
                return false;
            }
            if (line[i] == ',')
            {
                i = SkipWhitespace(line, i + 1);
                continue;
            }
            if (line[i] == '}')
            {
                i++;
                return true;
            }
            return false;
        }
    }

    /// <summary>The same decisions as the reference path's <c>AddValue</c>, in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AddValueFast(ReadOnlySpan<byte> line, ref int i, EventBatch batch, ReadOnlySpan<byte> name, KnownName known, int depth, ref bool hasTime, ref bool messageWritten)
    {
        var isNull = line[i] == 'n';
        var role = known.Role;
        if (role == TimeRole)
        {
            if (hasTime || isNull)
            {
                return SkipValue(line, ref i, depth);
            }
            hasTime = true;
            return SetTimeFast(line, ref i, batch);
        }
        if (isNull || role == StreamRole)
        {
            return SkipValue(line, ref i, depth);
        }
        var nameId = known.Id;
        if (nameId < 0)
        {
            nameId = Intern(batch, name);
            if (known.Entry is < 0 and not NotShort)
            {
                // A short name met for the first time in this batch: its id is known from here on.
                AddShortName(~known.Entry, known.Key, nameId, role);
            }
        }
        if (!MarkSeen(nameId))
        {
            return SkipValue(line, ref i, depth);
        }
        var rank = role;
        if (rank > 0)
        {
            var start = i;
            if (!SkipValue(line, ref i, depth))
            {
                return false;
            }
            _candidates[rank] = new MessageCandidate(nameId, start, i - start);
            _candidatesSet = true;
            return true;
        }
        if (rank == 0)
        {
            messageWritten = true;
        }
        return WriteValue(line, ref i, batch, nameId, depth);
    }

    /// <summary>
    /// What the member loop knows of a name: its role, its id when the short-name table had it (else -1),
    /// and the table entry it holds (&gt;= 0), the complement of the free entry it would take, or
    /// <see cref="NotShort"/> for a name the table does not take.
    /// </summary>
    private readonly record struct KnownName(int Role, int Id, int Entry, Vector128<byte> Key);

    private bool AddMessageCandidatesFast(ReadOnlySpan<byte> line, EventBatch batch, bool messageWritten)
    {
        for (var rank = 1; rank < _candidates.Length; rank++)
        {
            var candidate = _candidates[rank];
            if (candidate.Length == 0)
            {
                continue;
            }
            var nameId = candidate.NameId;
            if (!messageWritten)
            {
                // Intern has run for this line's names, so the cached id belongs to this batch.
                if (_messageNameId < 0)
                {
                    _messageNameId = batch.InternName(FieldNames.Message);
                }
                nameId = _messageNameId;
                messageWritten = true;
            }
            var at = candidate.Start;
            if (!WriteValue(line, ref at, batch, nameId, 1))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Adds the value at <paramref name="i"/> (not an object, not null) under <paramref name="nameId"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool WriteValue(ReadOnlySpan<byte> line, ref int i, EventBatch batch, int nameId, int depth)
    {
        switch (line[i])
        {
            case (byte)'"':
                var start = i + 1;
                var stop = IndexOfStop(line[start..]);
                if (stop >= 0 && line[start + stop] == '"')
                {
                    batch.AddField(nameId, ValueKind.String, line, start, stop);
                    i = start + stop + 1;
                    return true;
                }
                var end = FindStringEnd(line, start);
                if (end < 0)
                {
                    return false;
                }
                // Unescaped text is never longer than its escaped form.
                var room = batch.ReserveValue(end - start);
                batch.CommitReservedValue(nameId, ValueKind.String, Unescape(line[start..end], room));
                i = end + 1;
                return true;
            case (byte)'t':
                if (!line[i..].StartsWith("true"u8))
                {
                    return false;
                }
                batch.AddField(nameId, ValueKind.Bool, "true"u8);
                i += 4;
                return true;
            case (byte)'f':
                if (!line[i..].StartsWith("false"u8))
                {
                    return false;
                }
                batch.AddField(nameId, ValueKind.Bool, "false"u8);
                i += 5;
                return true;
            case (byte)'[':
                var arrayStart = i;
                if (!SkipValue(line, ref i, depth))
                {
                    return false;
                }
                batch.AddField(nameId, ValueKind.Json, line[arrayStart..i]);
                return true;
            default:
                var numberStart = i;
                if (!SkipNumber(line, ref i))
                {
                    return false;
                }
                batch.AddField(nameId, ValueKind.Number, line, numberStart, i - numberStart);
                return true;
        }
    }

    /// <summary>Reads <c>_time</c>: an RFC 3339 string from its bytes, else as the reference path does.</summary>
    private bool SetTimeFast(ReadOnlySpan<byte> line, ref int i, EventBatch batch)
    {
        ReadOnlySpan<byte> raw;
        if (line[i] == '"')
        {
            var start = i + 1;
            var stop = IndexOfStop(line[start..]);
            if (stop < 0 || line[start + stop] != '"')
            {
                return false;
            }
            raw = line.Slice(start, stop);
            i = start + stop + 1;
            if (raw.Length <= MaxTimeChars && Timestamps.TryParseRfc3339(raw, out var rfc))
            {
                batch.SetTime(rfc);
                return true;
            }
        }
        else
        {
            var start = i;
            if (!SkipNumber(line, ref i))
            {
                return false;
            }
            raw = line[start..i];
        }
        if (raw.Length > MaxTimeChars)
        {
            return false;
        }
        Span<char> text = stackalloc char[MaxTimeChars];
        var length = Encoding.UTF8.GetChars(raw, text);
        if (Timestamps.TryParseRfc3339(text[..length], out var ns) || TryParseEpoch(text[..length], out ns))
        {
            batch.SetTime(ns);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Reads a name (its opening quote just behind <paramref name="i"/>); returns the full name's length,
    /// or -1 when the reference path must read the line. A top-level name without escapes is left where
    /// it is in the line (<paramref name="inLine"/> is where it starts): the usual flat line then copies
    /// no name. Any other is copied into the name buffer after the prefix (<paramref name="inLine"/> -1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ReadName(ReadOnlySpan<byte> line, ref int i, int prefixLength, bool dotted, out int inLine)
    {
        inLine = -1;
        var start = i;
        var stop = IndexOfStop(line[start..]);
        if (stop < 0)
        {
            return -1;
        }
        var escaped = line[start + stop] != '"';
        var end = escaped ? FindStringEnd(line, start) : start + stop;
        if (end < 0)
        {
            return -1;
        }
        var raw = line[start..end];
        if (prefixLength == 0 && !escaped && !dotted)
        {
            i = end + 1;
            inLine = start;
            return raw.Length;
        }
        EnsureNameRoom(prefixLength + 1 + raw.Length, prefixLength);
        var position = prefixLength;
        if (dotted)
        {
            _name[position++] = (byte)'.';
        }
        i = end + 1;
        if (escaped)
        {
            return position + Unescape(raw, _name.AsSpan(position));
        }
        raw.CopyTo(_name.AsSpan(position));
        return position + raw.Length;
    }

    private void EnsureNameRoom(int needed, int prefixLength)
    {
        if (needed > _name.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _name.Length * 2));
            _name.AsSpan(0, prefixLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_name);
            _name = bigger;
        }
    }

    /// <summary>Validates any JSON value and moves past it; false on anything the fast path does not take.</summary>
    private static bool SkipValue(ReadOnlySpan<byte> line, ref int i, int depth)
    {
        switch (line[i])
        {
            case (byte)'"':
                var end = FindStringEnd(line, i + 1);
                if (end < 0)
                {
                    return false;
                }
                i = end + 1;
                return true;
            case (byte)'t':
                return SkipLiteral(line, ref i, "true"u8);
            case (byte)'f':
                return SkipLiteral(line, ref i, "false"u8);
            case (byte)'n':
                return SkipLiteral(line, ref i, "null"u8);
            case (byte)'[':
                return SkipContainer(line, ref i, depth, (byte)']');
            case (byte)'{':
                return SkipContainer(line, ref i, depth, (byte)'}');
            default:
                return SkipNumber(line, ref i);
        }
    }

    private static bool SkipContainer(ReadOnlySpan<byte> line, ref int i, int depth, byte close)
    {
        if (depth >= FastMaxDepth)
        {
            return false;
        }
        i = SkipWhitespace(line, i + 1);
        if (i < line.Length && line[i] == close)
        {
            i++;
            return true;
        }
        while (true)
        {
            if (i >= line.Length)
            {
                return false;
            }
            if (close == '}')
            {
                if (line[i] != '"')
                {
                    return false;
                }
                var nameEnd = FindStringEnd(line, i + 1);
                if (nameEnd < 0)
                {
                    return false;
                }
                i = SkipWhitespace(line, nameEnd + 1);
                if (i >= line.Length || line[i] != ':')
                {
                    return false;
                }
                i = SkipWhitespace(line, i + 1);
                if (i >= line.Length)
                {
                    return false;
                }
            }
            if (!SkipValue(line, ref i, depth + 1))
            {
                return false;
            }
            i = SkipWhitespace(line, i);
            if (i >= line.Length)
            {
                return false;
            }
            if (line[i] == ',')
            {
                i = SkipWhitespace(line, i + 1);
                continue;
            }
            if (line[i] == close)
            {
                i++;
                return true;
            }
            return false;
        }
    }

    private static bool SkipLiteral(ReadOnlySpan<byte> line, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!line[i..].StartsWith(literal))
        {
            return false;
        }
        i += literal.Length;
        return true;
    }

    /// <summary>A JSON number: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>. What follows is checked by the caller.</summary>
    private static bool SkipNumber(ReadOnlySpan<byte> line, ref int i)
    {
        var p = i;
        if (p < line.Length && line[p] == '-')
        {
            p++;
        }
        if (p >= line.Length)
        {
            return false;
        }
        if (line[p] == '0')
        {
            p++;
        }
        else if (line[p] is >= (byte)'1' and <= (byte)'9')
        {
            p = SkipDigits(line, p + 1);
        }
        else
        {
            return false;
        }
        if (p < line.Length && line[p] == '.')
        {
            var digits = SkipDigits(line, p + 1);
            if (digits == p + 1)
            {
                return false;
            }
            p = digits;
        }
        if (p < line.Length && line[p] is (byte)'e' or (byte)'E')
        {
            p++;
            if (p < line.Length && line[p] is (byte)'+' or (byte)'-')
            {
                p++;
            }
            var digits = SkipDigits(line, p);
            if (digits == p)
            {
                return false;
            }
            p = digits;
        }
        i = p;
        return true;
    }

    private static int SkipDigits(ReadOnlySpan<byte> line, int p)
    {
        while (p < line.Length && line[p] - (uint)'0' <= 9)
        {
            p++;
        }
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> line, int i)
    {
        // Compact lines, the usual case, have none: one test and no loop.
        if ((uint)i < (uint)line.Length && line[i] > (byte)' ')
        {
            return i;
        }
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }
        return i;
    }

    /// <summary>
    /// The index of the first byte of <paramref name="text"/> that ends a string's plain run: a quote,
    /// a backslash or a control character (invalid in JSON); -1 when there is none.
    /// </summary>
    /// <remarks>
    /// Three compares per 16 bytes, inlined: a name or a value is found in one or a few steps, where
    /// a <see cref="SearchValues{T}"/> search costs a call and its own set-up per string.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int IndexOfStop(ReadOnlySpan<byte> text)
    {
        var p = 0;
        if (Vector128.IsHardwareAccelerated && text.Length >= Vector128<byte>.Count)
        {
            ref var first = ref MemoryMarshal.GetReference(text);
            var quote = Vector128.Create((byte)'"');
            var backslash = Vector128.Create((byte)'\\');
            var space = Vector128.Create((byte)' ');
            var last = text.Length - Vector128<byte>.Count;
            while (true)
            {
                var block = Vector128.LoadUnsafe(ref first, (nuint)p);
                // Unsigned: bytes from 0x80 (UTF-8 past ASCII) are not control characters.
                var stops = Vector128.Equals(block, quote) | Vector128.Equals(block, backslash) | Vector128.LessThan(block, space);
                if (stops != Vector128<byte>.Zero)
                {
                    return p + BitOperations.TrailingZeroCount(stops.ExtractMostSignificantBits());
                }
                if (p == last)
                {
                    return -1;
                }
                // The last block may overlap the one before: its first bytes are known plain already.
                p = Math.Min(p + Vector128<byte>.Count, last);
            }
        }
        for (; p < text.Length; p++)
        {
            if (text[p] is < (byte)' ' or (byte)'"' or (byte)'\\')
            {
                return p;
            }
        }
        return -1;
    }

    /// <summary>
    /// The index of the closing quote of the string starting at <paramref name="start"/> (after its
    /// opening quote), or -1 when it is not closed, holds a control character or an invalid escape,
    /// or escapes a UTF-16 surrogate (left to the reference path, which pairs them or rejects them).
    /// </summary>
    private static int FindStringEnd(ReadOnlySpan<byte> line, int start)
    {
        var p = start;
        while (true)
        {
            var stop = IndexOfStop(line[p..]);
            if (stop < 0)
            {
                return -1;
            }
            p += stop;
            if (line[p] == '"')
            {
                return p;
            }
            if (line[p] != '\\' || p + 1 >= line.Length)
            {
                return -1;
            }
            switch (line[p + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    p += 2;
                    break;
                case (byte)'u':
                    if (p + 6 > line.Length || !TryHex4(line.Slice(p + 2, 4), out var code) || code is >= 0xD800 and <= 0xDFFF)
                    {
                        return -1;
                    }
                    p += 6;
                    break;
                default:
                    return -1;
            }
        }
    }

    /// <summary>Unescapes a string checked by <see cref="FindStringEnd"/>; returns the bytes written.</summary>
    private static int Unescape(ReadOnlySpan<byte> escaped, Span<byte> output)
    {
        var written = 0;
        var p = 0;
        while (p < escaped.Length)
        {
            var backslash = escaped[p..].IndexOf((byte)'\\');
            if (backslash < 0)
            {
                escaped[p..].CopyTo(output[written..]);
                return written + escaped.Length - p;
            }
            escaped.Slice(p, backslash).CopyTo(output[written..]);
            written += backslash;
            p += backslash;
            var c = escaped[p + 1];
            if (c == 'u')
            {
                TryHex4(escaped.Slice(p + 2, 4), out var code);
                written += new Rune(code).EncodeToUtf8(output[written..]);
                p += 6;
                continue;
            }
            output[written++] = c switch
            {
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                _ => c,
            };
            p += 2;
        }
        return written;
    }

    private static bool TryHex4(ReadOnlySpan<byte> hex, out int value)
    {
        value = 0;
        foreach (var h in hex)
        {
            var digit = h switch
            {
                >= (byte)'0' and <= (byte)'9' => h - '0',
                >= (byte)'a' and <= (byte)'f' => h - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => h - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }
            value = (value << 4) | digit;
        }
        return true;
    }
}
