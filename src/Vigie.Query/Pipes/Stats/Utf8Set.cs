using System.IO.Hashing;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// An exact set of byte strings: each distinct value is copied once into one growing buffer, and an
/// open-addressing table of (hash, offset, length) finds it again, comparing the bytes themselves on
/// a hash match. Adding a value already present allocates nothing, where a set of strings would
/// decode every value first.
/// </summary>
internal sealed class Utf8Set
{
    private byte[] _bytes = new byte[256];
    private int _used;
    private Slot[] _slots = new Slot[64];

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> value) => Add(value, Hash(value));

    public void UnionWith(Utf8Set other)
    {
        foreach (var slot in other._slots)
        {
            if (slot.Length > 0)
            {
                Add(other._bytes.AsSpan(slot.Offset, slot.Length - 1), slot.Hash);
            }
        }
    }

    private static uint Hash(ReadOnlySpan<byte> value) => (uint)XxHash3.HashToUInt64(value);

    private void Add(ReadOnlySpan<byte> value, uint hash)
    {
        var mask = _slots.Length - 1;
        for (var i = (int)(hash & mask); ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot.Length == 0)
            {
                if (_used + value.Length > _bytes.Length)
                {
                    Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + value.Length));
                }
                value.CopyTo(_bytes.AsSpan(_used));
                slot = new Slot(hash, _used, value.Length + 1);
                _used += value.Length;
                if (++Count * 2 > _slots.Length)
                {
                    Grow();
                }
                return;
            }
            if (slot.Hash == hash && slot.Length - 1 == value.Length && _bytes.AsSpan(slot.Offset, value.Length).SequenceEqual(value))
            {
                return;
            }
        }
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        var mask = _slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.Length > 0)
            {
                var i = (int)(slot.Hash & mask);
                while (_slots[i].Length != 0)
                {
                    i = (i + 1) & mask;
                }
                _slots[i] = slot;
            }
        }
    }

    /// <summary>Length is the value's length plus one, so that 0 marks an empty slot and "" can be a member.</summary>
    private readonly record struct Slot(uint Hash, int Offset, int Length);
}
