using System.Runtime.CompilerServices;

namespace Vigie.Core;

/// <summary>
/// A batch's streams by the hash of their key: open addressing over a power-of-two table of
/// (hash, index) pairs, linear probing, at most half full. Every event an ingest request decodes
/// looks its stream up here; a <see cref="Dictionary{TKey, TValue}"/> lookup (a modulo by a prime,
/// then a bucket and an entry in two arrays) cost about as much as hashing the stream fields.
/// </summary>
internal sealed class StreamIndexByHash
{
    private const int InitialSlots = 64;

    private Slot[] _slots = new Slot[InitialSlots];
    private int _count;

    public int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ulong hash, out int index)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        var at = (int)hash & mask;
        while (true)
        {
            ref var slot = ref slots[at];
            if (slot.IndexPlusOne == 0)
            {
                index = -1;
                return false;
            }
            if (slot.Hash == hash)
            {
                index = slot.IndexPlusOne - 1;
                return true;
            }
            at = (at + 1) & mask;
        }
    }

    /// <summary>Adds a hash not in the table.</summary>
    public void Add(ulong hash, int index)
    {
        if ((_count + 1) * 2 > _slots.Length)
        {
            Grow();
        }
        Insert(_slots, hash, index);
        _count++;
    }

    /// <summary>Adds the hash unless it is there already (the first index stays).</summary>
    public bool TryAdd(ulong hash, int index)
    {
        if (TryGetValue(hash, out _))
        {
            return false;
        }
        Add(hash, index);
        return true;
    }

    public void Clear()
    {
        if (_count > 0)
        {
            Array.Clear(_slots);
            _count = 0;
        }
    }

    /// <summary>Makes this table, emptied, hold what <paramref name="source"/> holds.</summary>
    public void CopyFrom(StreamIndexByHash source)
    {
        if (_slots.Length == source._slots.Length)
        {
            source._slots.CopyTo(_slots, 0);
            _count = source._count;
            return;
        }
        // Tables of other sizes place hashes in other slots: the copy's own, kept for reuse, is refilled.
        Clear();
        foreach (var slot in source._slots)
        {
            if (slot.IndexPlusOne != 0)
            {
                Add(slot.Hash, slot.IndexPlusOne - 1);
            }
        }
    }

    private static void Insert(Slot[] slots, ulong hash, int index)
    {
        var mask = slots.Length - 1;
        var at = (int)hash & mask;
        while (slots[at].IndexPlusOne != 0)
        {
            at = (at + 1) & mask;
        }
        slots[at] = new Slot { Hash = hash, IndexPlusOne = index + 1 };
    }

    private void Grow()
    {
        var bigger = new Slot[_slots.Length * 2];
        foreach (var slot in _slots)
        {
            if (slot.IndexPlusOne != 0)
            {
                Insert(bigger, slot.Hash, slot.IndexPlusOne - 1);
            }
        }
        _slots = bigger;
    }

    private struct Slot
    {
        public ulong Hash;

        /// <summary>The stream's index plus one: 0 marks an empty slot.</summary>
        public int IndexPlusOne;
    }
}
