using System.Text;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Tests.Support;

/// <summary>
/// A sink and position book in memory, for a source's own tests: keeps every line (copied) and the
/// last position per source key, as the disk buffer would once the lines are durable.
/// </summary>
internal sealed class RecordingSink : ILineSink, IPositionBook
{
    private readonly Lock _lock = new();
    private readonly List<RecordedLine> _lines = [];
    private readonly Dictionary<string, SourcePosition> _positions = [];

    public ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in line.Origin.Fields)
        {
            fields[name] = value;
        }
        foreach (var (name, value) in line.Fields ?? [])
        {
            fields[name] = value;
        }
        lock (_lock)
        {
            _lines.Add(new RecordedLine(line.Origin.SourceKey, line.TimeNs, Encoding.UTF8.GetString(line.Message.Span), fields, line.Origin.Pipeline));
            _positions[line.Origin.SourceKey] = line.After;
        }
        return ValueTask.CompletedTask;
    }

    public bool TryGet(string sourceKey, out SourcePosition position)
    {
        lock (_lock)
        {
            return _positions.TryGetValue(sourceKey, out position);
        }
    }

    public void Forget(string sourceKey)
    {
        lock (_lock)
        {
            _positions.Remove(sourceKey);
        }
    }

    public IReadOnlyList<string> SourceKeys(string prefix)
    {
        lock (_lock)
        {
            return [.. _positions.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))];
        }
    }

    public IReadOnlyList<RecordedLine> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for the lines kept so far, or fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<RecordedLine>> WaitForAsync(Func<IReadOnlyList<RecordedLine>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var lines = Lines;
            if (done(lines))
            {
                return lines;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {timeout} for lines; got {lines.Count}: {string.Join(" | ", lines.TakeLast(5).Select(l => l.Message))}");
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}

internal sealed record RecordedLine(string SourceKey, long TimeNs, string Message, IReadOnlyDictionary<string, string> Fields, string? Pipeline);
