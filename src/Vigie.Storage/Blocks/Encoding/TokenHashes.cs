using System.Buffers;
using System.IO.Hashing;
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

    // The garbage collector's arrays, not the shared pool's: they grow to a part's largest column and
    // must not outlive the part write (see ByteBuffer).
    private State _state = new() { Hashes = new ulong[4096] };
    private ulong[] _set = new ulong[8192];
    private byte[] _lower = GC.AllocateUninitializedArray<byte>(64 * 1024);

    public BloomFilter BuildBloom(Column column)
    {
        _state.Count = 0;
        var bytes = column.Bytes.AsSpan(0, column.Offsets[column.RowCount]);
        if (Ascii.IsValid(bytes))
        {
            AddAsciiColumn(column, bytes);
        }
        else
        {
            for (var r = 0; r < column.RowCount; r++)
            {
                if (column.Kinds[r] != ValueKind.Absent)
                {
                    Tokenizer.ForEachToken(column.GetValue(r), ref _state, static (ref State s, ReadOnlySpan<byte> token) => s.Add(Tokenizer.Hash(token)));
                }
            }
        }
        var distinct = Deduplicate(_state.Hashes.AsSpan(0, _state.Count));
        return BloomFilter.Build(_state.Hashes.AsSpan(0, distinct));
    }

    /// <summary>
    /// The fast path for a column of ASCII text (nearly every log column): the whole column is
    /// lower-cased at once, and each value's words are found with vectorised scans for word and
    /// non-word bytes. Same tokens and hashes as <see cref="Tokenizer.ForEachToken{TState}"/> with
    /// <see cref="Tokenizer.Hash(ReadOnlySpan{byte})"/>: for ASCII, a word is a run of letters, digits
    /// and '_', and the hash is xxHash3 of its lower-cased bytes.
    /// </summary>
    private void AddAsciiColumn(Column column, ReadOnlySpan<byte> bytes)
    {
        if (_lower.Length < bytes.Length)
        {
            _lower = GC.AllocateUninitializedArray<byte>(Math.Max(bytes.Length, _lower.Length * 2));
        }
        var lower = _lower.AsSpan(0, bytes.Length);
        Ascii.ToLower(bytes, lower, out _);
        var offsets = column.Offsets;
        for (var r = 0; r < column.RowCount; r++)
        {
            // Tokens never span two values, hence one scan per value.
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
                    _state.Add(XxHash3.HashToUInt64(rest));
                    break;
                }
                _state.Add(XxHash3.HashToUInt64(rest[..end]));
                rest = rest[end..];
            }
        }
    }

    /// <summary>
    /// Moves the distinct hashes to the front and returns their count. An open-addressing set makes
    /// this linear: sorting a block's hundreds of thousands of token hashes cost more than the rest
    /// of the bloom.
    /// </summary>
    private int Deduplicate(Span<ulong> hashes)
    {
        var capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, hashes.Length * 2));
        if (_set.Length < capacity)
        {
            _set = GC.AllocateUninitializedArray<ulong>(capacity);
        }
        var set = _set.AsSpan(0, capacity);
        set.Clear();
        var mask = capacity - 1;
        var distinct = 0;
        var sawZero = false;
        foreach (var h in hashes)
        {
            if (h == 0)
            {
                // zero marks an empty slot, so it is tracked apart
                if (!sawZero)
                {
                    sawZero = true;
                    hashes[distinct++] = 0;
                }
                continue;
            }
            var slot = (int)(h ^ (h >> 29)) & mask;
            while (true)
            {
                if (set[slot] == 0)
                {
                    set[slot] = h;
                    hashes[distinct++] = h;
                    break;
                }
                if (set[slot] == h)
                {
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        return distinct;
    }

    public void Dispose()
    {
        _state.Hashes = [];
        _set = [];
        _lower = [];
    }

    private struct State
    {
        public ulong[] Hashes;
        public int Count;

        public void Add(ulong hash)
        {
            if (Count == Hashes.Length)
            {
                var next = GC.AllocateUninitializedArray<ulong>(Hashes.Length * 2);
                Hashes.AsSpan().CopyTo(next);
                Hashes = next;
            }
            Hashes[Count++] = hash;
        }
    }
}
