namespace Vigie.Web.Model;

/// <summary>
/// The rows a live tail keeps: the newest <see cref="Capacity"/>, newest first. Filled from a
/// background task, read by the renderer; while paused, new rows are only counted, so that what
/// the user is reading stays still. Thread-safe.
/// </summary>
public sealed class TailBuffer
{
    public const int Capacity = 1000;

    private readonly Lock _lock = new();
    private readonly LinkedList<DisplayRow> _rows = new();
    private IReadOnlyList<DisplayRow> _snapshot = [];
    private bool _changed;
    private long _missed;

    /// <summary>While paused, new rows are counted, not kept; resuming starts the count again.</summary>
    public bool Paused
    {
        get;
        set
        {
            lock (_lock)
            {
                field = value;
                _missed = value ? _missed : 0;
            }
        }
    }

    /// <summary>Rows not shown because they came while paused.</summary>
    public long Missed
    {
        get
        {
            lock (_lock)
            {
                return _missed;
            }
        }
    }

    /// <summary>The kept rows, newest first (a copy taken at the last change).</summary>
    public IReadOnlyList<DisplayRow> Rows
    {
        get
        {
            lock (_lock)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>Adds rows in arrival order (oldest first).</summary>
    public void Add(IReadOnlyList<DisplayRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_lock)
        {
            if (Paused)
            {
                _missed += rows.Count;
                _changed = true;
                return;
            }
            foreach (var row in rows)
            {
                _rows.AddFirst(row);
            }
            while (_rows.Count > Capacity)
            {
                _rows.RemoveLast();
            }
            _snapshot = [.. _rows];
            _changed = true;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _rows.Clear();
            _snapshot = [];
            _missed = 0;
            _changed = true;
        }
    }

    /// <summary>True once after each change: the renderer's cue.</summary>
    public bool TakeChanged()
    {
        lock (_lock)
        {
            var changed = _changed;
            _changed = false;
            return changed;
        }
    }
}
