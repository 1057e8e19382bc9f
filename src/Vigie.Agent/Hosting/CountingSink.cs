using Vigie.Agent.Collection;

namespace Vigie.Agent.Hosting;

/// <summary>Counts a source's lines on their way into the buffer.</summary>
internal sealed class CountingSink(ILineSink inner, SourceCounter counter) : ILineSink
{
    public ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref counter.Lines);
        return inner.AppendAsync(line, cancellationToken);
    }
}

/// <summary>The lines one source read.</summary>
internal sealed class SourceCounter
{
    public long Lines;
}
