using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;
using Vigie.Core;
using Vigie.Pipelines;
using Vigie.Pipelines.Model;

namespace Vigie.Agent.Edge;

/// <summary>
/// Runs the agent's own pipelines (the <c>pipelines:</c> section of its config file, with the server's
/// processors) on each line before it reaches the buffer: multiline joining per stream, then every
/// pipeline whose <c>if:</c> the event matches, in order; a dropped event is not buffered.
/// </summary>
/// <remarks>
/// A multiline step holds the last event of each stream until a line that does not continue it
/// arrives or its timeout passes. The lines behind a held event with the same source key wait with
/// it (<see cref="EdgeKeyState"/>), so that the buffer never records a position past a line it did
/// not get: an agent that dies while an event is held reads its lines again at the next start.
/// Lines of different source keys never wait for each other.
/// </remarks>
public sealed class EdgeSink : ILineSink, IAsyncDisposable
{
    private readonly ILineSink _inner;
    private readonly Pipeline[] _pipelines;
    private readonly Pipeline[] _multiline;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, EdgeKeyState> _keys = new(StringComparer.Ordinal);
    private readonly Timer? _timer;
    private readonly CancellationTokenSource _closing = new();
    private int _ticking;

    public EdgeSink(ILineSink inner, IReadOnlyList<Pipeline> pipelines, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(pipelines);
        _inner = inner;
        _pipelines = [.. pipelines];
        _multiline = [.. pipelines.Where(p => p.Multiline is not null)];
        _logger = logger;
        if (_multiline.Length > 0)
        {
            var tick = TimeSpan.FromMilliseconds(Math.Clamp(_multiline.Min(p => p.Multiline!.Timeout.TotalMilliseconds) / 4, 10, 1000));
            _timer = new Timer(_ => _ = TickAsync(), null, tick, tick);
        }
    }

    public PipelineMetrics Metrics { get; } = new();

    /// <summary>Lines joined to the line before them by a multiline step.</summary>
    public long JoinedLines => Interlocked.Read(ref _joined);

    /// <summary>Events a <c>drop</c> step dropped (not buffered).</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    private long _joined;
    private long _dropped;

    public async ValueTask AppendAsync(CollectedLine line, CancellationToken cancellationToken)
    {
        var state = _keys.GetOrAdd(line.Origin.SourceKey, static _ => new EdgeKeyState());
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var e = Materialise(line);
            state.Open.TryGetValue(line.Origin, out var open);
            var multiline = FirstMultiline(e);
            if (open is not null)
            {
                var rule = open.Multiline!.Multiline!;
                if (ReferenceEquals(open.Multiline, multiline) && open.Lines < rule.MaxLines && rule.IsContinuation(e.GetText(rule.Field) ?? ""))
                {
                    open.Event.Set(rule.Field, (open.Event.GetText(rule.Field) ?? "") + "\n" + (e.GetText(rule.Field) ?? ""));
                    open.Lines++;
                    open.After = line.After;
                    open.DeadlineMs = Environment.TickCount64 + (long)rule.Timeout.TotalMilliseconds;
                    state.NextDeadlineMs = Math.Min(state.NextDeadlineMs, open.DeadlineMs);
                    Interlocked.Increment(ref _joined);
                    return;
                }
                open.Complete = true;
                state.Open.Remove(line.Origin);
            }
            var entry = new EdgeEntry(line.Origin, e, line.After) { Multiline = multiline, Complete = multiline is null };
            if (multiline is not null)
            {
                entry.DeadlineMs = Environment.TickCount64 + (long)multiline.Multiline!.Timeout.TotalMilliseconds;
                state.NextDeadlineMs = Math.Min(state.NextDeadlineMs, entry.DeadlineMs);
                state.Open[line.Origin] = entry;
            }
            if (entry.Complete && state.Queue.Count == 0)
            {
                // The usual case without multiline: nothing waits before it.
                await SendAsync(entry, cancellationToken).ConfigureAwait(false);
                return;
            }
            state.Queue.Enqueue(entry);
            await SendCompleteAsync(state, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Ends every open entry and sends everything held (the sources have stopped).</summary>
    public async Task FlushAllAsync(CancellationToken cancellationToken)
    {
        foreach (var state in _keys.Values)
        {
            await EndOpenAsync(state, long.MaxValue, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }
        await _closing.CancelAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    private async Task TickAsync()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }
        try
        {
            var now = Environment.TickCount64;
            foreach (var state in _keys.Values)
            {
                if (state.NextDeadlineMs <= now)
                {
                    await EndOpenAsync(state, now, _closing.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The held events stay queued (their positions were not recorded): sent at the next tick or the next line.
            _logger.LogWarning("edge pipelines: could not send a held multiline event yet: {Reason}", e.Message);
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>Ends the open entries whose deadline is at or before <paramref name="nowMs"/>, then sends what it can.</summary>
    private async Task EndOpenAsync(EdgeKeyState state, long nowMs, CancellationToken cancellationToken)
    {
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = long.MaxValue;
            List<LineOrigin>? ended = null;
            foreach (var (origin, entry) in state.Open)
            {
                if (entry.DeadlineMs <= nowMs)
                {
                    entry.Complete = true;
                    (ended ??= []).Add(origin);
                }
                else
                {
                    next = Math.Min(next, entry.DeadlineMs);
                }
            }
            foreach (var origin in ended ?? [])
            {
                state.Open.Remove(origin);
            }
            state.NextDeadlineMs = next;
            await SendCompleteAsync(state, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Sends the complete entries at the front of the key's queue (the caller holds its gate).</summary>
    private async Task SendCompleteAsync(EdgeKeyState state, CancellationToken cancellationToken)
    {
        while (state.Queue.TryPeek(out var head) && head.Complete)
        {
            await SendAsync(head, cancellationToken).ConfigureAwait(false);
            state.Queue.Dequeue();
        }
    }

    private ValueTask SendAsync(EdgeEntry entry, CancellationToken cancellationToken)
    {
        var e = entry.Event;
        foreach (var pipeline in _pipelines)
        {
            if (e.Dropped)
            {
                break;
            }
            if (pipeline.Matches(e))
            {
                pipeline.Run(e, Metrics);
            }
        }
        if (e.Dropped)
        {
            // Its position is not recorded: a restart may read it again, to drop it again.
            Interlocked.Increment(ref _dropped);
            return ValueTask.CompletedTask;
        }
        return _inner.AppendAsync(new CollectedLine(entry.Origin, e.TimeNs, default, entry.After) { Processed = e.Fields }, cancellationToken);
    }

    private Pipeline? FirstMultiline(PipelineEvent e)
    {
        foreach (var p in _multiline)
        {
            if (p.Matches(e))
            {
                return p;
            }
        }
        return null;
    }

    /// <summary>The line as the server's pipelines would see it: <c>_msg</c>, then the origin's fields and the line's own.</summary>
    private static PipelineEvent Materialise(in CollectedLine line)
    {
        var own = line.Fields;
        var fields = new List<KeyValuePair<string, FieldValue>>(1 + line.Origin.Fields.Count + (own?.Count ?? 0))
        {
            new(FieldNames.Message, FieldValue.Str(Encoding.UTF8.GetString(line.Message.Span))),
        };
        foreach (var (name, value) in line.Origin.Fields)
        {
            fields.Add(new(name, FieldValue.Str(value)));
        }
        if (own is not null)
        {
            foreach (var (name, value) in own)
            {
                fields.Add(new(name, FieldValue.Str(value)));
            }
        }
        return new PipelineEvent(line.TimeNs, StreamKey.Empty, fields);
    }
}
