using Vigie.Agent.Collection;

namespace Vigie.Agent.Tests.Support;

/// <summary>Passes lines on, but throws once instead of taking the n-th line (a buffer failing for a moment).</summary>
internal sealed class FailOnceSink(ILineSink inner, int failAt) : ILineSink
{
    private int _seen;

    public bool Failed { get; private set; }

    public ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
    {
        if (++_seen == failAt)
        {
            Failed = true;
            throw new IOException("the buffer failed for a moment");
        }
        return inner.AppendAsync(line, cancellationToken);
    }
}
