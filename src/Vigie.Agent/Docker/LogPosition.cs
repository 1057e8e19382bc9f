using Vigie.Agent.Collection;

namespace Vigie.Agent.Docker;

/// <summary>
/// Where a container's log stands: the time of the latest line read and how many lines were read at
/// exactly that time. Docker's <c>since</c> can only ask for everything from a time on (to the
/// nanosecond), so a resumed read asks from that time and drops the lines at it that were read
/// already: no gap, no duplicate, even when several lines share a timestamp.
/// </summary>
internal sealed class LogPosition(SourcePosition? start)
{
    private long _skipTime;
    private long _skipLeft;

    public SourcePosition Current { get; private set; } = start ?? default;

    /// <summary>The <c>since</c> of the next read, in nanoseconds; 0 reads the container's whole log.</summary>
    public long SinceNs => Current.Offset;

    /// <summary>Called when a read starts from <see cref="SinceNs"/>: the lines at the current time are to be skipped once.</summary>
    public void BeginRead()
    {
        _skipTime = Current.Offset;
        _skipLeft = Current.Count;
    }

    /// <summary>
    /// Whether a line at <paramref name="timeNs"/> is new and, if so, the position after it, to
    /// <see cref="Commit"/> once the line was taken (a line the sink refused is read again).
    /// </summary>
    public bool Accept(long timeNs, out SourcePosition after)
    {
        if (_skipLeft > 0 && timeNs == _skipTime)
        {
            _skipLeft--;
            after = Current;
            return false;
        }
        // A line older than the latest one (stdout and stderr are stamped by two copiers) leaves the
        // position as it is: a resumed read starts after the latest line either way.
        after = timeNs > Current.Offset ? new SourcePosition(timeNs, 1)
            : timeNs == Current.Offset ? Current with { Count = Current.Count + 1 }
            : Current;
        return true;
    }

    public void Commit(SourcePosition after) => Current = after;
}
