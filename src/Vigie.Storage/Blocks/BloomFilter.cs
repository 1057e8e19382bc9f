using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Blocks;

/// <summary>
/// A bloom filter over 64-bit token hashes (<see cref="Core.Tokenizer.Hash(ReadOnlySpan{byte})"/>), one per
/// text column of a block, so that a word search skips blocks that cannot hold the word.
/// </summary>
/// <remarks>
/// The k probe positions come from the one 64-bit hash by double hashing (h1 + i·h2), mapped onto
/// the bit count with a multiply-shift, so no further hashing is needed. There are no false
/// negatives: a hash added always tests positive. Serialised form: k (1 byte), then the bit words as
/// little-endian 64-bit integers. Immutable once built and handed to readers; building is
/// single-threaded.
/// </remarks>
public sealed class BloomFilter
{
    private readonly ulong[] _words;

    private BloomFilter(ulong[] words, int hashCount)
    {
        _words = words;
        HashCount = hashCount;
    }

    /// <summary>Number of probes per hash.</summary>
    public int HashCount { get; }

    public long BitCount => (long)_words.Length * 64;

    public int SerializedLength => 1 + _words.Length * 8;

    /// <summary>An empty filter sized for <paramref name="distinctTokens"/> tokens at <paramref name="bitsPerToken"/> bits each.</summary>
    public static BloomFilter Create(int distinctTokens, int bitsPerToken = PartFormat.BloomBitsPerToken)
    {
        var (words, k) = Shape(distinctTokens, bitsPerToken);
        return new BloomFilter(new ulong[words], k);
    }

    /// <summary>A filter holding <paramref name="distinctHashes"/>, which should hold each hash once (it sizes the filter).</summary>
    public static BloomFilter Build(ReadOnlySpan<ulong> distinctHashes, int bitsPerToken = PartFormat.BloomBitsPerToken)
    {
        var filter = Create(distinctHashes.Length, bitsPerToken);
        foreach (var h in distinctHashes)
        {
            filter.Add(h);
        }
        return filter;
    }

    /// <summary>The <see cref="SerializedLength"/> of <see cref="Build"/>'s filter for <paramref name="distinctTokens"/> hashes.</summary>
    public static int SerializedLengthFor(int distinctTokens, int bitsPerToken = PartFormat.BloomBitsPerToken) =>
        1 + Shape(distinctTokens, bitsPerToken).Words * 8;

    /// <summary>
    /// Writes the serialised form of <see cref="Build"/>'s filter straight into <paramref name="destination"/>
    /// (<see cref="SerializedLengthFor"/> bytes), setting the bits in place: a column encoder writes a filter
    /// per text column, and building one to copy it out cost an array and a second pass per column.
    /// </summary>
    public static int WriteBuilt(ReadOnlySpan<ulong> distinctHashes, Span<byte> destination, int bitsPerToken = PartFormat.BloomBitsPerToken)
    {
        var (wordCount, k) = Shape(distinctHashes.Length, bitsPerToken);
        var length = 1 + wordCount * 8;
        if (destination.Length < length)
        {
            throw new ArgumentException($"needs {length} bytes", nameof(destination));
        }
        destination[0] = (byte)k;
        var words = MemoryMarshal.Cast<byte, ulong>(destination.Slice(1, wordCount * 8));
        words.Clear();
        var bits = (ulong)wordCount * 64;
        foreach (var hash in distinctHashes)
        {
            var (h, step) = Probe(hash);
            for (var i = 0; i < k; i++)
            {
                var bit = Math.BigMul(h, bits, out _);
                words[(int)(bit >> 6)] |= 1UL << (int)(bit & 63);
                h += step;
            }
        }
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        return length;
    }

    private static (int Words, int HashCount) Shape(int distinctTokens, int bitsPerToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(distinctTokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerToken, 1);
        var bits = Math.Max(64L, (long)distinctTokens * bitsPerToken);
        var words = (int)Math.Min((bits + 63) / 64, (PartFormat.MaxSegmentBytes - 1) / 8);
        var k = Math.Clamp((int)Math.Round(bitsPerToken * 0.6931471805599453), 1, PartFormat.BloomMaxHashCount);
        return (words, k);
    }

    public void Add(ulong tokenHash)
    {
        var (h, step) = Probe(tokenHash);
        var bits = (ulong)_words.Length * 64;
        for (var i = 0; i < HashCount; i++)
        {
            var bit = Math.BigMul(h, bits, out _);
            _words[bit >> 6] |= 1UL << (int)(bit & 63);
            h += step;
        }
    }

    public bool MayContain(ulong tokenHash)
    {
        var (h, step) = Probe(tokenHash);
        var bits = (ulong)_words.Length * 64;
        for (var i = 0; i < HashCount; i++)
        {
            var bit = Math.BigMul(h, bits, out _);
            if ((_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
            h += step;
        }
        return true;
    }

    /// <summary>True unless some hash is surely absent; true for an empty span.</summary>
    public bool MayContainAll(ReadOnlySpan<ulong> tokenHashes)
    {
        foreach (var h in tokenHashes)
        {
            if (!MayContain(h))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Fraction of bits set; about one half for a well-sized filter.</summary>
    public double FillRatio
    {
        get
        {
            long set = 0;
            foreach (var w in _words)
            {
                set += BitOperations.PopCount(w);
            }
            return set / (double)BitCount;
        }
    }

    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < SerializedLength)
        {
            throw new ArgumentException($"needs {SerializedLength} bytes", nameof(destination));
        }
        destination[0] = (byte)HashCount;
        for (var i = 0; i < _words.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(1 + i * 8, 8), _words[i]);
        }
    }

    public byte[] ToArray()
    {
        var bytes = new byte[SerializedLength];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>
    /// <see cref="MayContainAll(ReadOnlySpan{ulong})"/> straight on the serialised form, without building a
    /// filter: a word search tests each block's filter once, so copying its bits first would cost
    /// more than the test. <see cref="InvalidDataException"/> if the bytes cannot be a filter.
    /// </summary>
    public static bool MayContainAll(ReadOnlySpan<byte> serialized, ReadOnlySpan<ulong> tokenHashes)
    {
        var k = CheckSerialized(serialized);
        var words = serialized[1..];
        var bits = (ulong)(words.Length / 8) * 64;
        foreach (var hash in tokenHashes)
        {
            var (h, step) = Probe(hash);
            for (var i = 0; i < k; i++)
            {
                var bit = Math.BigMul(h, bits, out _);
                var word = BinaryPrimitives.ReadUInt64LittleEndian(words.Slice((int)(bit >> 6) * 8, 8));
                if ((word & (1UL << (int)(bit & 63))) == 0)
                {
                    return false;
                }
                h += step;
            }
        }
        return true;
    }

    /// <summary>Reads a serialised filter; <see cref="InvalidDataException"/> if the bytes cannot be one.</summary>
    public static BloomFilter Read(ReadOnlySpan<byte> serialized)
    {
        var k = CheckSerialized(serialized);
        var words = new ulong[(serialized.Length - 1) / 8];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(serialized.Slice(1 + i * 8, 8));
        }
        return new BloomFilter(words, k);
    }

    /// <summary>The probe count of a serialised filter, once its length and header are checked.</summary>
    private static int CheckSerialized(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < 9 || (serialized.Length - 1) % 8 != 0)
        {
            throw new InvalidDataException($"a bloom filter cannot be {serialized.Length} bytes long");
        }
        int k = serialized[0];
        if (k is < 1 or > PartFormat.BloomMaxHashCount)
        {
            throw new InvalidDataException($"a bloom filter cannot use {k} probes");
        }
        return k;
    }

    // The token hash is already uniform (xxHash3); the step is a second odd 64-bit number derived
    // from it, so probes i = 0..k-1 visit distinct positions of the 2^64 ring before mapping.
    private static (ulong Start, ulong Step) Probe(ulong hash) =>
        (hash, (BitOperations.RotateLeft(hash, 32) * 0x9E3779B97F4A7C15UL) | 1UL);
}
