using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Vigie.Core;

namespace Vigie.Ingestion;

/// <summary>
/// Top-level names of up to 15 bytes without escapes, the usual log line's keys, found by their
/// bytes as they lie in the line: one 16-byte load finds the closing quote and, masked after it, is
/// the key of a table of the batch's names. A hit gives the name's id and what the name means to the
/// decoder (<c>_time</c>, <c>_stream</c>, a message name or a plain field) in one comparison, whatever
/// the line's shape, where the position cache misses once lines of several shapes interleave.
/// </summary>
internal sealed partial class NdjsonLineParser
{
    /// <summary>Roles besides the message ranks (0 to 3) and <see cref="NoCandidate"/>.</summary>
    private const int TimeRole = 4;
    private const int StreamRole = 5;

    /// <summary>The member loop's mark for a name the short-name table does not take (nested, long, escaped).</summary>
    private const int NotShort = int.MinValue;

    private const int ShortNameTableSize = 256;
    private readonly ShortName[] _shortNames = new ShortName[ShortNameTableSize];
    private int _shortNameCount;

    private struct ShortName
    {
        /// <summary>The name's bytes, its closing quote, zeros after: never all zeros, so zero marks a free entry.</summary>
        public Vector128<byte> Key;
        public int Id;
        public int Role;
    }

    private static ReadOnlySpan<byte> ByteIndexes => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    /// <summary>
    /// Reads a top-level name (its opening quote just behind <paramref name="i"/>) if it is short and
    /// plain: then its length, with its key (bytes, quote, zeros); -1 for the general reader.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadShortName(ReadOnlySpan<byte> line, int i, out Vector128<byte> key)
    {
        key = default;
        if (!Vector128.IsHardwareAccelerated || i > line.Length - Vector128<byte>.Count)
        {
            return -1;
        }
        ref var first = ref MemoryMarshal.GetReference(line);
        var block = Vector128.LoadUnsafe(ref first, (nuint)i);
        var stops = Vector128.Equals(block, Vector128.Create((byte)'"')) | Vector128.Equals(block, Vector128.Create((byte)'\\'))
            | Vector128.LessThan(block, Vector128.Create((byte)' '));
        var bits = stops.ExtractMostSignificantBits();
        if (bits == 0)
        {
            return -1;
        }
        var length = BitOperations.TrailingZeroCount(bits);
        if (Unsafe.Add(ref first, i + length) != '"')
        {
            return -1;
        }
        var indexes = Vector128.Create(ByteIndexes);
        key = block & Vector128.LessThanOrEqual(indexes, Vector128.Create((byte)length));
        return length;
    }

    /// <summary>The entry holding <paramref name="key"/>, or the complement of the free entry where it would go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindShortName(Vector128<byte> key)
    {
        const ulong K = 0x9E3779B97F4A7C15;
        var words = key.AsUInt64();
        var h = (words.ToScalar() ^ (words.GetElement(1) * K)) * K;
        var at = (int)(h >> 56);
        var table = _shortNames;
        while (true)
        {
            ref var entry = ref table[at];
            if (entry.Key == key)
            {
                return at;
            }
            if (entry.Key == Vector128<byte>.Zero)
            {
                return ~at;
            }
            at = (at + 1) & (ShortNameTableSize - 1);
        }
    }

    /// <summary>Files a name met for the first time in the batch, at the free entry <see cref="FindShortName"/> gave.</summary>
    private void AddShortName(int freeEntry, Vector128<byte> key, int id, int role)
    {
        // Half full at most, so that probes stay short and always meet a free entry; past that, names take the general path.
        if (_shortNameCount >= ShortNameTableSize / 2)
        {
            return;
        }
        _shortNames[freeEntry] = new ShortName { Key = key, Id = id, Role = role };
        _shortNameCount++;
    }

    /// <summary>What a name means to the decoder, for names read by the general reader or met first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RoleOf(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("_time"u8))
        {
            return TimeRole;
        }
        return name.SequenceEqual("_stream"u8) ? StreamRole : MessageRank(name);
    }

    /// <summary>
    /// Name ids are per batch: the caches that hold them start over when the parser meets another
    /// batch, or the same one cleared for reuse.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureCachesOf(EventBatch batch)
    {
        if (!ReferenceEquals(batch, _cacheBatch) || batch.Epoch != _cacheEpoch)
        {
            ResetCaches(batch);
        }
    }

    private void ResetCaches(EventBatch batch)
    {
        _cacheBatch = batch;
        _cacheEpoch = batch.Epoch;
        _cacheCount = 0;
        _messageNameId = -1;
        Array.Clear(_tableNames);
        _tableCount = 0;
        if (_shortNameCount > 0)
        {
            Array.Clear(_shortNames);
            _shortNameCount = 0;
        }
    }
}
