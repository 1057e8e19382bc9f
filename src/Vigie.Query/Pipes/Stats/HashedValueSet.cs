using System.IO.Hashing;
using System.Numerics;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// A set of byte strings kept as their 128-bit XXH3 hashes, as ClickHouse's <c>uniqExact</c> keeps
/// strings: one probe of one 16-byte slot per value, where a set of the bytes themselves misses the
/// cache twice (the slot, then the bytes to compare). Two distinct values share a hash with a
/// probability of about n² / 2¹²⁹: for a billion distinct values, below one in 10²⁰.
/// </summary>
internal sealed class HashedValueSet
{
    // The empty slot is the zero hash; a value hashing to zero is kept as this one instead.
    private static readonly UInt128 ZeroStandIn = UInt128.One;

    private UInt128[] _slots = new UInt128[64];

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> value) => Add(XxHash128.HashToUInt128(value));

    public void UnionWith(HashedValueSet other)
    {
        if (other.Count > Count)
        {
            Reserve(Count + other.Count);
        }
        foreach (var hash in other._slots)
        {
            if (hash != UInt128.Zero)
            {
                Add(hash);
            }
        }
    }

    private void Add(UInt128 hash)
    {
        if (hash == UInt128.Zero)
        {
            hash = ZeroStandIn;
        }
        var mask = _slots.Length - 1;
        for (var i = (int)(ulong)hash & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot == hash)
            {
                return;
            }
            if (slot == UInt128.Zero)
            {
                slot = hash;
                if (++Count * 2 > _slots.Length)
                {
                    Resize(_slots.Length * 2);
                }
                return;
            }
        }
    }

    private void Reserve(int count)
    {
        var length = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, count * 2));
        if (length > _slots.Length)
        {
            Resize(length);
        }
    }

    private void Resize(int length)
    {
        var old = _slots;
        _slots = new UInt128[length];
        var mask = length - 1;
        foreach (var hash in old)
        {
            if (hash != UInt128.Zero)
            {
                var i = (int)(ulong)hash & mask;
                while (_slots[i] != UInt128.Zero)
                {
                    i = (i + 1) & mask;
                }
                _slots[i] = hash;
            }
        }
    }
}
