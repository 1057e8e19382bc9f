using System.Buffers;
using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Collects the distinct token hashes of a column's present values to size and fill its bloom
/// filter. Reused across columns by one writing thread; the hash array is rented and kept.
/// </summary>
internal sealed class TokenHashes : IDisposable
{
    private State _state = new() { Hashes = ArrayPool<ulong>.Shared.Rent(4096) };
    private ulong[] _set = ArrayPool<ulong>.Shared.Rent(8192);

    public BloomFilter BuildBloom(Column column)
    {
        _state.Count = 0;
        for (var r = 0; r < column.RowCount; r++)
        {
            if (column.Kinds[r] != ValueKind.Absent)
            {
                Tokenizer.ForEachToken(column.GetValue(r), ref _state, static (ref State s, ReadOnlySpan<byte> token) => s.Add(Tokenizer.Hash(token)));
            }
        }
        var distinct = Deduplicate(_state.Hashes.AsSpan(0, _state.Count));
        return BloomFilter.Build(_state.Hashes.AsSpan(0, distinct));
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
            ArrayPool<ulong>.Shared.Return(_set);
            _set = ArrayPool<ulong>.Shared.Rent(capacity);
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
        ArrayPool<ulong>.Shared.Return(_state.Hashes);
        _state.Hashes = [];
        ArrayPool<ulong>.Shared.Return(_set);
        _set = [];
    }

    private struct State
    {
        public ulong[] Hashes;
        public int Count;

        public void Add(ulong hash)
        {
            if (Count == Hashes.Length)
            {
                var next = ArrayPool<ulong>.Shared.Rent(Hashes.Length * 2);
                Hashes.AsSpan().CopyTo(next);
                ArrayPool<ulong>.Shared.Return(Hashes);
                Hashes = next;
            }
            Hashes[Count++] = hash;
        }
    }
}
