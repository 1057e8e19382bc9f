using System.Buffers.Text;
using Vigie.Agent.Collection;

namespace Vigie.DockerBench;

/// <summary>
/// Counts lines per container and checks them as they come: each container's numbered lines must
/// arrive in order, each once. Keeps no line (the sink's own cost stays out of the figures).
/// </summary>
internal sealed class CountingSink : ILineSink, IPositionBook
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private long _lines;
    private long _outOfOrder;

    public long Lines => Interlocked.Read(ref _lines);

    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    public ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
    {
        // Lines are "<container> line <n> ...": n follows the previous one of the same container.
        var span = line.Message.Span;
        var at = span.IndexOf(" line "u8);
        if (at < 0 || !Utf8Parser.TryParse(span[(at + 6)..], out long number, out _))
        {
            Interlocked.Increment(ref _outOfOrder);
        }
        else
        {
            lock (_lock)
            {
                ref var last = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_last, line.Origin.SourceKey, out _);
                if (number != last + 1)
                {
                    _outOfOrder++;
                }
                last = number;
            }
        }
        Interlocked.Increment(ref _lines);
        return ValueTask.CompletedTask;
    }

    public bool TryGet(string sourceKey, out SourcePosition position)
    {
        position = default;
        return false;
    }

    public void Forget(string sourceKey)
    {
    }
}
