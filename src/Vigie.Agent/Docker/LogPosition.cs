using Vigie.Agent.Collection;

namespace Vigie.Agent.Docker;

/// <summary>
/// Where a container's log stands, as Docker's <c>since</c> can ask for it again: a time
/// (<see cref="SourcePosition.Offset"/>) and how many of the lines Docker returns from that time on
/// were read already (<see cref="SourcePosition.Count"/>). A resumed read asks from that time and
/// skips that many lines: no gap, no duplicate, even when lines share a timestamp.
/// <para>
/// The time trails the newest line read by <see cref="Window"/>, not sits on it: Docker stamps stdout
/// and stderr in two copiers, so a line can follow one with a later time in the log. Since Docker
/// answers in log order keeping the lines not before <c>since</c>, the lines read so far are always
/// the first ones of its answer, whichever the time; the window only has to cover that disorder.
/// </para>
/// </summary>
internal sealed class LogPosition
{
    /// <summary>How far the resume time trails the newest line read: much more than stdout and stderr's disorder.</summary>
    public const long Window = 50_000_000;

    // Times of the lines read that are not before _since, in order (kept sorted; lines come nearly sorted).
    private readonly List<long> _recent = [];
    private int _recentHead;
    private long _since;
    private long _newest;
    private long _skipLeft;

    public LogPosition(SourcePosition? start)
    {
        if (start is { } filePosition && LogFileCursor.TryParse(filePosition, out var cursor))
        {
            File = cursor;
        }
        else if (start is { } position)
        {
            _since = position.Offset;
            _newest = position.Offset;
            _skipLeft = position.Count;
        }
    }

    public SourcePosition Current => File is { } file ? file.ToPosition(file.Text()) : new(_since, RecentCount + _skipLeft);

    /// <summary>Where reading the driver's log files stands, when the container is read from its files (null: from the API stream).</summary>
    public LogFileCursor? File { get; set; }

    /// <summary>The time of the last line read, whichever way: for the agent's log.</summary>
    public long ResumeTimeNs => File is { } file ? file.LastTimeNs : _since;

    /// <summary>
    /// Where a read of the files starts when the position is the API stream's: lines from <c>since</c>
    /// on, less the <c>skip</c> first ones (read before).
    /// </summary>
    public (long Since, long Skip) ApiStart() => (_since, _skipLeft + RecentCount);

    /// <summary>
    /// The container is read from the API stream again after its files: from the time of the last line
    /// read, that line left out (lines stamped in that same nanosecond, or written out of order on the
    /// other stream within it, could come again).
    /// </summary>
    public void SwitchToApi()
    {
        if (File is not { } file)
        {
            return;
        }
        File = null;
        _since = file.LastTimeNs;
        _newest = file.LastTimeNs;
        _skipLeft = file.LastTimeNs > 0 ? 1 : 0;
        _recent.Clear();
        _recentHead = 0;
    }

    /// <summary>The <c>since</c> of the next read, in nanoseconds; 0 reads the container's whole log.</summary>
    public long SinceNs => _since;

    private int RecentCount => _recent.Count - _recentHead;

    /// <summary>Called when a read starts from <see cref="SinceNs"/>: the lines read since then come again first, and are skipped.</summary>
    public void BeginRead()
    {
        _skipLeft += RecentCount;
        _recent.Clear();
        _recentHead = 0;
    }

    /// <summary>
    /// Whether a line at <paramref name="timeNs"/> is new and, if so, the position after it. The line
    /// counts as read only once <see cref="Commit"/> is called (a line the sink refused is read again).
    /// </summary>
    public bool Accept(long timeNs, out SourcePosition after)
    {
        if (_skipLeft > 0)
        {
            // A line read before: it is one of the lines counted from _since on.
            _skipLeft--;
            Remember(timeNs);
            after = Current;
            return false;
        }
        after = new SourcePosition(_since, RecentCount + (timeNs >= _since ? 1 : 0));
        return true;
    }

    /// <summary>The line accepted at <paramref name="timeNs"/> was taken.</summary>
    public void Commit(long timeNs)
    {
        Remember(timeNs);
        // Move the resume time up now and then (a position handed out before stays true: it speaks
        // of its own time). Not while lines read before are still to come: their times are unknown.
        if (_skipLeft == 0 && _newest - Window > _since + Window)
        {
            _since = _newest - Window;
            while (_recentHead < _recent.Count && _recent[_recentHead] < _since)
            {
                _recentHead++;
            }
            if (_recentHead >= 256 && _recentHead * 2 > _recent.Count)
            {
                _recent.RemoveRange(0, _recentHead);
                _recentHead = 0;
            }
        }
    }

    private void Remember(long timeNs)
    {
        _newest = Math.Max(_newest, timeNs);
        if (timeNs < _since)
        {
            // Docker would not return it from _since on: nothing to count.
            return;
        }
        var at = _recent.Count;
        while (at > _recentHead && _recent[at - 1] > timeNs)
        {
            at--;
        }
        _recent.Insert(at, timeNs);
    }
}
