using System.Buffers;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Text;
using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Collects the distinct token hashes of a column's present values to size and fill its bloom
/// filter. Reused across columns by one writing thread; its arrays are kept and grow to the largest column.
/// </summary>
internal sealed class TokenHashes : IDisposable
{
    /// <summary>The bytes of ASCII words (<see cref="Tokenizer.IsAsciiWordByte"/>), for vectorised scans.</summary>
    private static readonly SearchValues<byte> AsciiWordBytes = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Bytes a vectorised scan may read past the end of the column's lower-cased copy.</summary>
    private const int ScanSlack = 32;

    // The garbage collector's arrays, not the shared pool's: they grow to a part's largest column and
    // must not outlive the part write (see ByteBuffer).
    private ulong[] _distinct = new ulong[4096];
    private int _distinctCount;
    private bool _sawZero;
    private ulong[] _set = new ulong[8192];
    private int _setMask;
    private byte[] _lower = GC.AllocateUninitializedArray<byte>(64 * 1024);

    public BloomFilter BuildBloom(Column column)
    {
        _distinctCount = 0;
        _sawZero = false;
        // The set starts small and doubles as distinct tokens come: most columns repeat their words,
        // and clearing a table sized for every token of a large column cost more than filling it.
        _setMask = 1023;
        _set.AsSpan(0, _setMask + 1).Clear();
        var bytes = column.Bytes.AsSpan(0, column.Offsets[column.RowCount]);
        if (Ascii.IsValid(bytes))
        {
            if (Vector256.IsHardwareAccelerated)
            {
                AddAsciiColumnVectorised(column, bytes);
            }
            else
            {
                AddAsciiColumn(column, bytes);
            }
        }
        else
        {
            var self = this;
            for (var r = 0; r < column.RowCount; r++)
            {
                if (column.Kinds[r] != ValueKind.Absent)
                {
                    Tokenizer.ForEachToken(column.GetValue(r), ref self, static (ref TokenHashes s, ReadOnlySpan<byte> token) => s.Add(Tokenizer.Hash(token)));
                }
            }
        }
        return BloomFilter.Build(_distinct.AsSpan(0, _distinctCount));
    }

    private Span<byte> LowerCase(ReadOnlySpan<byte> bytes)
    {
        if (_lower.Length < bytes.Length + ScanSlack)
        {
            _lower = GC.AllocateUninitializedArray<byte>(Math.Max(bytes.Length + ScanSlack, _lower.Length * 2));
        }
        var lower = _lower.AsSpan(0, bytes.Length);
        Ascii.ToLower(bytes, lower, out _);
        return lower;
    }

    /// <summary>
    /// The fast path for a column of ASCII text (nearly every log column): the whole column is
    /// lower-cased at once, then each value is read 32 bytes at a time: one vector comparison gives a
    /// bit per byte that is a word byte (a letter, a digit, '_'), and the words are where those bits
    /// switch on and off, found with bit operations instead of a search call per word boundary. Same
    /// tokens and hashes as <see cref="Tokenizer.ForEachToken{TState}"/> with <see cref="Tokenizer.Hash(ReadOnlySpan{byte})"/>:
    /// for ASCII, a word is a run of letters, digits and '_', and the hash is xxHash3 of its lower-cased bytes.
    /// </summary>
    private void AddAsciiColumnVectorised(Column column, ReadOnlySpan<byte> bytes)
    {
        var lower = LowerCase(bytes);
        // The scan reads whole vectors, up to ScanSlack bytes past the column (their bits are dropped).
        var scan = _lower.AsSpan();
        var offsets = column.Offsets;
        var zero = Vector256.Create((byte)'0');
        var nine = Vector256.Create((byte)9);
        var a = Vector256.Create((byte)'a');
        var twentyFive = Vector256.Create((byte)25);
        var underscore = Vector256.Create((byte)'_');
        for (var r = 0; r < column.RowCount; r++)
        {
            // Tokens never span two values, hence one scan per value.
            var end = offsets[r + 1];
            var tokenStart = 0;
            var carry = 0u;
            for (var position = offsets[r]; position < end; position += 32)
            {
                var v = Vector256.Create<byte>(scan.Slice(position, 32));
                var word = (Vector256.LessThanOrEqual(v - zero, nine) | Vector256.LessThanOrEqual(v - a, twentyFive) | Vector256.Equals(v, underscore))
                    .ExtractMostSignificantBits();
                var remaining = end - position;
                if (remaining < 32)
                {
                    word &= (1u << remaining) - 1;
                }
                // Bit i of `before`: byte i - 1 is a word byte (the vector's first byte looks at the previous vector's last).
                var before = (word << 1) | carry;
                var starts = word & ~before;
                var ends = ~word & before;
                if (carry != 0 && ends != 0)
                {
                    // The word the previous vector left open ends in this one.
                    Add(XxHash3.HashToUInt64(lower[tokenStart..(position + BitOperations.TrailingZeroCount(ends))]));
                    ends &= ends - 1;
                }
                carry = word >> 31;
                // Starts and ends now alternate, a start first: one turn per word, without testing which edge comes.
                while (starts != 0)
                {
                    var start = position + BitOperations.TrailingZeroCount(starts);
                    starts &= starts - 1;
                    if (ends == 0)
                    {
                        // The word goes on into the next vector.
                        tokenStart = start;
                        break;
                    }
                    Add(XxHash3.HashToUInt64(lower[start..(position + BitOperations.TrailingZeroCount(ends))]));
                    ends &= ends - 1;
                }
            }
            if (carry != 0)
            {
                // The value ends within a word, at a vector boundary.
                Add(XxHash3.HashToUInt64(lower[tokenStart..end]));
            }
        }
    }

    /// <summary>The same as <see cref="AddAsciiColumnVectorised"/>, with a search call per word boundary, where vectors are not accelerated.</summary>
    private void AddAsciiColumn(Column column, ReadOnlySpan<byte> bytes)
    {
        var lower = LowerCase(bytes);
        var offsets = column.Offsets;
        for (var r = 0; r < column.RowCount; r++)
        {
            var rest = lower[offsets[r]..offsets[r + 1]];
            while (true)
            {
                var start = rest.IndexOfAny(AsciiWordBytes);
                if (start < 0)
                {
                    break;
                }
                rest = rest[start..];
                var end = rest.IndexOfAnyExcept(AsciiWordBytes);
                if (end < 0)
                {
                    Add(XxHash3.HashToUInt64(rest));
                    break;
                }
                Add(XxHash3.HashToUInt64(rest[..end]));
                rest = rest[end..];
            }
        }
    }

    /// <summary>
    /// Keeps <paramref name="hash"/> once: an open-addressing set makes de-duplication linear (sorting
    /// a block's hundreds of thousands of token hashes cost more than the rest of the bloom).
    /// </summary>
    private void Add(ulong hash)
    {
        if (hash == 0)
        {
            // zero marks an empty slot, so it is tracked apart
            if (!_sawZero)
            {
                _sawZero = true;
                AppendDistinct(0);
            }
            return;
        }
        var set = _set;
        var mask = _setMask;
        var slot = (int)(hash ^ (hash >> 29)) & mask;
        while (true)
        {
            var existing = set[slot];
            if (existing == hash)
            {
                return;
            }
            if (existing == 0)
            {
                set[slot] = hash;
                AppendDistinct(hash);
                if (_distinctCount * 2 > mask)
                {
                    Grow();
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void AppendDistinct(ulong hash)
    {
        if (_distinctCount == _distinct.Length)
        {
            var next = GC.AllocateUninitializedArray<ulong>(_distinct.Length * 2);
            _distinct.AsSpan().CopyTo(next);
            _distinct = next;
        }
        _distinct[_distinctCount++] = hash;
    }

    /// <summary>Doubles the set (kept at most half full) and re-inserts the distinct hashes.</summary>
    private void Grow()
    {
        var capacity = (_setMask + 1) * 2;
        if (_set.Length < capacity)
        {
            _set = new ulong[capacity];
        }
        else
        {
            _set.AsSpan(0, capacity).Clear();
        }
        _setMask = capacity - 1;
        foreach (var h in _distinct.AsSpan(0, _distinctCount))
        {
            if (h == 0)
            {
                continue;
            }
            var slot = (int)(h ^ (h >> 29)) & _setMask;
            while (_set[slot] != 0)
            {
                slot = (slot + 1) & _setMask;
            }
            _set[slot] = h;
        }
    }

    public void Dispose()
    {
        _distinct = [];
        _set = [];
        _lower = [];
    }
}
