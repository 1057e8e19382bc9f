using System.Buffers;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
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

    /// <summary>Bytes a vectorised scan may write past the end of the column's lower-cased copy.</summary>
    private const int ScanSlack = 32;

    // The garbage collector's arrays, not the shared pool's: they grow to a part's largest column and
    // must not outlive the part write (see ByteBuffer).
    private ulong[] _distinct = new ulong[4096];
    private int _distinctCount;
    private bool _sawZero;
    private ulong[] _set = new ulong[8192];
    private int _setMask;
    private byte[] _lower = GC.AllocateUninitializedArray<byte>(64 * 1024);

    public BloomFilter BuildBloom(Column column) => BloomFilter.Build(CollectDistinct(column));

    /// <summary>Appends the serialised bloom filter of <paramref name="column"/>'s words to <paramref name="output"/>, the bytes <see cref="BuildBloom"/>'s filter serialises to.</summary>
    public void WriteBloom(Column column, ByteBuffer output)
    {
        var distinct = CollectDistinct(column);
        var length = BloomFilter.SerializedLengthFor(distinct.Length);
        BloomFilter.WriteBuilt(distinct, output.GetSpan(length));
        output.Advance(length);
    }

    /// <summary>
    /// Appends the bloom filter of an Ipv4 column, from its addresses as the encoding picker parsed them:
    /// the words of a canonical dotted quad are its four numbers written without leading zeros, so the
    /// column's distinct words are the distinct octets, whose hashes are computed once for all columns.
    /// The same bytes as <see cref="WriteBloom(Column, ByteBuffer)"/> on the column's text (the filter's
    /// bits do not depend on the order of the hashes), without scanning and hashing every address.
    /// </summary>
    public static void WriteBloom(ReadOnlySpan<uint> addresses, ByteBuffer output)
    {
        Span<ulong> seen = stackalloc ulong[4];
        foreach (var address in addresses)
        {
            seen[(int)(address >> 30)] |= 1UL << (int)(address >> 24);
            seen[(int)(address >> 22) & 3] |= 1UL << (int)(address >> 16);
            seen[(int)(address >> 14) & 3] |= 1UL << (int)(address >> 8);
            seen[(int)(address >> 6) & 3] |= 1UL << (int)address;
        }
        Span<ulong> distinct = stackalloc ulong[256];
        var count = 0;
        for (var w = 0; w < seen.Length; w++)
        {
            for (var bits = seen[w]; bits != 0; bits &= bits - 1)
            {
                distinct[count++] = OctetHashes[(w * 64) + BitOperations.TrailingZeroCount(bits)];
            }
        }
        var length = BloomFilter.SerializedLengthFor(count);
        BloomFilter.WriteBuilt(distinct[..count], output.GetSpan(length));
        output.Advance(length);
    }

    /// <summary>The token hash of each octet's decimal text, 0 to 255 (256 distinct hashes: a test checks it).</summary>
    internal static ReadOnlySpan<ulong> OctetHashes => s_octetHashes;

    private static readonly ulong[] s_octetHashes = [.. Enumerable.Range(0, 256).Select(o => Tokenizer.Hash(Encoding.ASCII.GetBytes(o.ToString(System.Globalization.CultureInfo.InvariantCulture))))];

    private ReadOnlySpan<ulong> CollectDistinct(Column column)
    {
        var end = column.Offsets[column.RowCount];
        // Nearly every log column is ASCII: the vectorised scan checks that as it goes and gives up
        // at the first other byte, so that ASCII columns need no pass of their own for the check.
        Reset(end);
        if (!(Vector256.IsHardwareAccelerated && TryAddAsciiColumnVectorised(column, end)))
        {
            Reset(end);
            var bytes = column.Bytes.AsSpan(0, end);
            if (Ascii.IsValid(bytes))
            {
                AddAsciiColumn(column, bytes);
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
        }
        return _distinct.AsSpan(0, _distinctCount);
    }

    private void Reset(int columnBytes)
    {
        _distinctCount = 0;
        _sawZero = false;
        // Sized by the column's bytes (a slot per 8 bytes: about one per word), then doubled if the
        // words are more varied: started at 1,024 slots for every column, the set spent about 6 % of the
        // filters' time growing.
        var capacity = (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((uint)columnBytes / 8), 1024, 1 << 16);
        if (_set.Length < capacity)
        {
            _set = new ulong[capacity];
        }
        _setMask = capacity - 1;
        _set.AsSpan(0, capacity).Clear();
    }

    /// <summary>The lower-cased copy, long enough for <paramref name="length"/> bytes and a vector's slack.</summary>
    private Span<byte> LowerBuffer(int length)
    {
        if (_lower.Length < length + ScanSlack)
        {
            _lower = GC.AllocateUninitializedArray<byte>(Math.Max(length + ScanSlack, _lower.Length * 2));
        }
        return _lower;
    }

    private Span<byte> LowerCase(ReadOnlySpan<byte> bytes)
    {
        var lower = LowerBuffer(bytes.Length)[..bytes.Length];
        Ascii.ToLower(bytes, lower, out _);
        return lower;
    }

    /// <summary>
    /// The fast path for a column of ASCII text (nearly every log column), in one pass over the
    /// column's own bytes: each value is read 32 bytes at a time, and each vector is checked for
    /// ASCII, lower-cased into the copy the hashes read, and compared once to give a bit per byte
    /// that is a word byte (a letter, a digit, '_'); the words are where those bits switch on and
    /// off, found with bit operations instead of a search call per word boundary. Same tokens and
    /// hashes as <see cref="Tokenizer.ForEachToken{TState}"/> with <see cref="Tokenizer.Hash(ReadOnlySpan{byte})"/>:
    /// for ASCII, a word is a run of letters, digits and '_', and the hash is xxHash3 of its
    /// lower-cased bytes. False, with the set partly filled, at the first byte that is not ASCII.
    /// </summary>
    private bool TryAddAsciiColumnVectorised(Column column, int columnEnd)
    {
        // Stores whole vectors, up to ScanSlack bytes past the column.
        var lower = LowerBuffer(columnEnd);
        var source = column.Bytes;
        // Vectors starting past this read the column's last bytes from a copy: the array may end there.
        var lastDirect = source.Length - 32;
        Span<byte> tail = stackalloc byte[32];
        var offsets = column.Offsets;
        var zero = Vector256.Create((byte)'0');
        var nine = Vector256.Create((byte)9);
        var upperA = Vector256.Create((byte)'A');
        var a = Vector256.Create((byte)'a');
        var twentyFive = Vector256.Create((byte)25);
        var caseBit = Vector256.Create((byte)0x20);
        var underscore = Vector256.Create((byte)'_');
        for (var r = 0; r < column.RowCount; r++)
        {
            // Tokens never span two values, hence one scan per value.
            var end = offsets[r + 1];
            var tokenStart = 0;
            var carry = 0u;
            for (var position = offsets[r]; position < end; position += 32)
            {
                Vector256<byte> v;
                if (position <= lastDirect)
                {
                    v = Vector256.Create<byte>(source.AsSpan(position, 32));
                }
                else
                {
                    tail.Clear();
                    source.AsSpan(position, columnEnd - position).CopyTo(tail);
                    v = Vector256.Create<byte>(tail);
                }
                var remaining = end - position;
                var inValue = remaining < 32 ? (1u << remaining) - 1 : uint.MaxValue;
                if ((v.ExtractMostSignificantBits() & inValue) != 0)
                {
                    return false;
                }
                var lowered = v | (Vector256.LessThanOrEqual(v - upperA, twentyFive) & caseBit);
                lowered.CopyTo(lower.Slice(position, 32));
                var word = (Vector256.LessThanOrEqual(v - zero, nine) | Vector256.LessThanOrEqual(lowered - a, twentyFive) | Vector256.Equals(v, underscore))
                    .ExtractMostSignificantBits() & inValue;
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
        return true;
    }

    /// <summary>The same as <see cref="TryAddAsciiColumnVectorised"/>, with a search call per word boundary, where vectors are not accelerated.</summary>
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(ulong hash)
    {
        // Most words of a column come again: a hit at the first probe costs no call.
        if (_set[(int)(hash ^ (hash >> 29)) & _setMask] == hash && hash != 0)
        {
            return;
        }
        AddProbing(hash);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddProbing(ulong hash)
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
