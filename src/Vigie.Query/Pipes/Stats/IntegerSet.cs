using System.Numerics;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// An exact set of fixed-size integers (IPv4 addresses, 64-bit integers) in one open-addressing
/// table of the values themselves: 4 or 8 bytes a slot where a set of hashed texts takes 16, and no
/// text made or hashed. Zero marks an empty slot; the value zero is kept as a flag beside the table.
/// </summary>
internal sealed class IntegerSet<T>
    where T : unmanaged, IBinaryInteger<T>
{
    private const int InitialSlots = 64;

    private T[] _slots = new T[InitialSlots];
    private int _shift = 64 - BitOperations.Log2(InitialSlots);
    private int _used;
    private bool _hasZero;

    public int Count => _used + (_hasZero ? 1 : 0);

    public void Add(T value)
    {
        if (value == T.Zero)
        {
            _hasZero = true;
            return;
        }
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Slot(value); ; i = (i + 1) & mask)
        {
            ref var slot = ref slots[i];
            if (slot == value)
            {
                return;
            }
            if (slot == T.Zero)
            {
                slot = value;
                if (++_used * 2 > slots.Length)
                {
                    Resize(slots.Length * 2);
                }
                return;
            }
        }
    }

    public void UnionWith(IntegerSet<T> other)
    {
        _hasZero |= other._hasZero;
        Reserve(Math.Max(_used, other._used));
        foreach (var value in other._slots)
        {
            if (value != T.Zero)
            {
                Add(value);
            }
        }
    }

    /// <summary>Fibonacci hashing: the top bits of the value times 2⁶⁴/φ, so that addresses of one network spread.</summary>
    private int Slot(T value) => (int)((ulong.CreateTruncating(value) * 0x9E3779B97F4A7C15UL) >> _shift);

    private void Reserve(int count)
    {
        var length = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(InitialSlots, count * 2));
        if (length > _slots.Length)
        {
            Resize(length);
        }
    }

    private void Resize(int length)
    {
        var old = _slots;
        _slots = new T[length];
        _shift = 64 - BitOperations.Log2((uint)length);
        var mask = length - 1;
        foreach (var value in old)
        {
            if (value != T.Zero)
            {
                var i = Slot(value);
                while (_slots[i] != T.Zero)
                {
                    i = (i + 1) & mask;
                }
                _slots[i] = value;
            }
        }
    }
}
