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
        var hashes = _state.Hashes.AsSpan(0, _state.Count);
        hashes.Sort();
        var distinct = 0;
        for (var i = 0; i < hashes.Length; i++)
        {
            if (i == 0 || hashes[i] != hashes[distinct - 1])
            {
                hashes[distinct++] = hashes[i];
            }
        }
        return BloomFilter.Build(hashes[..distinct]);
    }

    public void Dispose()
    {
        ArrayPool<ulong>.Shared.Return(_state.Hashes);
        _state.Hashes = [];
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
