using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

/// <summary>
/// Column encoders kept from one part write to the next. An encoder's buffers (the column's
/// payload, its stored segments, the encoding picker's and the tokenizer's arrays) grow to the
/// size of the largest block it encoded; made new for every part, they were grown again by every
/// flush and every merge, a few MB of large arrays each time for the collector.
/// </summary>
/// <remarks>
/// An encoder is in at most one place at a time: this pool or one part writer. Encoders not taken
/// for a second are disposed (<see cref="TrimIfUnused"/>, run by a timer), so that an idle server
/// keeps none. Thread-safe.
/// </remarks>
internal sealed class EncoderPool
{
    private readonly Lock _lock = new();
    private readonly List<(int Level, ColumnEncoder Encoder)> _free = [];
    private readonly int _maxFree;
    private bool _used;

    /// <summary>Trims <see cref="Shared"/>; held here since a timer nothing references is collected and stops.</summary>
    private static Timer? s_trimTimer;

    public EncoderPool(int maxFree)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFree);
        _maxFree = maxFree;
    }

    /// <summary>
    /// The pool the part writer uses: room for a flush's and a merge's encoders at once, trimmed
    /// every second when unused.
    /// </summary>
    public static EncoderPool Shared { get; } = CreateShared();

    public int FreeCount
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>A free encoder of <paramref name="level"/>, else a new one; the caller gives it back with <see cref="Return"/>.</summary>
    public ColumnEncoder Rent(int level)
    {
        lock (_lock)
        {
            _used = true;
            for (var i = _free.Count - 1; i >= 0; i--)
            {
                if (_free[i].Level == level)
                {
                    var encoder = _free[i].Encoder;
                    _free.RemoveAt(i);
                    return encoder;
                }
            }
        }
        return new ColumnEncoder(level);
    }

    /// <summary>Gives back an encoder rented with <paramref name="level"/>; the caller no longer uses it nor what it returned.</summary>
    public void Return(ColumnEncoder encoder, int level)
    {
        lock (_lock)
        {
            if (_free.Count < _maxFree)
            {
                _free.Add((level, encoder));
                return;
            }
        }
        encoder.Dispose();
    }

    /// <summary>Disposes the free encoders when none was rented since the last call.</summary>
    public void TrimIfUnused()
    {
        List<(int Level, ColumnEncoder Encoder)>? dropped = null;
        lock (_lock)
        {
            if (!_used && _free.Count > 0)
            {
                dropped = [.. _free];
                _free.Clear();
            }
            _used = false;
        }
        foreach (var (_, encoder) in dropped ?? [])
        {
            encoder.Dispose();
        }
    }

    private static EncoderPool CreateShared()
    {
        var pool = new EncoderPool(2 * Math.Max(1, Environment.ProcessorCount));
        // Never disposed: the pool lives as long as the process.
        s_trimTimer = new Timer(static state => ((EncoderPool)state!).TrimIfUnused(), pool, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return pool;
    }
}
