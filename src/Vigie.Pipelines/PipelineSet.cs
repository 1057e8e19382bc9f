using Vigie.Core;
using Vigie.Ingestion.Service;
using Vigie.Pipelines.Model;
using Vigie.Query.Rows;

namespace Vigie.Pipelines;

/// <summary>
/// All configured pipelines, as the ingestion hook. Immutable once built: a reload builds a new set
/// and swaps it whole into <see cref="IngestionService.Processor"/>, so a batch is processed entirely by
/// the old set or entirely by the new one (no event lost or processed twice across a reload).
/// </summary>
/// <remarks>
/// Events no pipeline selects are copied through as bytes; only selected events are materialised.
/// Multiline: the last event of a stream is held until a line that does not continue it arrives or its
/// timeout passes; the set then stores it itself through <c>storeLate</c>, and the caller that handed
/// it in waits (<see cref="ProcessedBatch.Held"/>) until then, so that an acknowledged event is durable.
/// Without <c>storeLate</c> (the playground, replays) nothing is held: each batch is complete.
/// <para>Routing: an event with a <see cref="RouteField"/> field (set by a sender, e.g. from a
/// container's <c>vigie.pipeline</c> label) goes through that one pipeline, whatever the conditions,
/// instead of the pipelines whose condition it matches; the field is not stored. A name no pipeline
/// has leaves the event as it came, tagged <see cref="Pipeline.ErrorField"/>. A routed event is not
/// joined by multiline steps (the sender joins lines itself).</para>
/// </remarks>
public sealed class PipelineSet : IBatchProcessor, IDisposable
{
    private readonly Pipeline[] _pipelines;
    private readonly Pipeline[] _multiline;
    private readonly Func<EventBatch, string, Task>? _storeLate;
    private readonly Lock _lock = new();
    private readonly Dictionary<(Pipeline, StreamKey), Pending> _pending = [];
    private readonly Timer? _timer;
    private readonly Dictionary<string, Pipeline> _byName;
    private readonly EventBatchPool? _outputs;
    private readonly PipelinePlans? _plans;
    private bool _disposed;

    /// <summary>The field that names the one pipeline an event goes through.</summary>
    public const string RouteField = "_pipeline";

    /// <param name="outputs">
    /// Where the output batches of large input batches come from (the store's pool): the caller of
    /// <see cref="Process(EventBatch, string)"/> releases them once stored, and the store once written to
    /// a part. Allocating one per batch instead made large objects the collector frees only in full
    /// collections. Null: every output batch is allocated.
    /// </param>
    public PipelineSet(IReadOnlyList<Pipeline> pipelines, PipelineMetrics metrics, Func<EventBatch, string, Task>? storeLate = null, EventBatchPool? outputs = null)
    {
        _outputs = outputs;
        _pipelines = [.. pipelines];
        _multiline = [.. pipelines.Where(p => p.Multiline is not null)];
        _plans = PipelinePlans.For(_pipelines);
        _byName = new Dictionary<string, Pipeline>(StringComparer.Ordinal);
        foreach (var p in _pipelines)
        {
            _byName.TryAdd(p.Name, p);
        }
        Metrics = metrics;
        _storeLate = storeLate;
        if (_multiline.Length > 0 && storeLate is not null)
        {
            var tick = TimeSpan.FromMilliseconds(Math.Clamp(_multiline.Min(p => p.Multiline!.Timeout.TotalMilliseconds) / 4, 10, 1000));
            _timer = new Timer(_ => _ = FlushExpired(force: false), null, tick, tick);
        }
    }

    public IReadOnlyList<Pipeline> Pipelines => _pipelines;

    /// <summary>Whether the pipelines that may select an event are chosen once per stream (<see cref="PipelinePlans"/>); off, every condition is tested on every event (what tests compare the plans against).</summary>
    internal bool Planned { get; init; } = true;

    public PipelineMetrics Metrics { get; }

    public Pipeline? Find(string name) => _pipelines.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// Runs the pipelines on <paramref name="batch"/>. The result is the batch itself when the pipelines
    /// change none of its events (none selected, or the steps of those selected neither matched nor
    /// wrote); else a new batch owned by the caller (one reference: release it once stored, see
    /// <see cref="EventBatch.Release"/>).
    /// </summary>
    public ProcessedBatch Process(EventBatch batch, string listener) => Process(batch, listener, null);

    /// <inheritdoc cref="Process(EventBatch, string)"/>
    public ProcessedBatch Process(EventBatch batch, string listener, IPipelineTrace? trace)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // The route field's id in this batch, or -1 when no event of the batch has one (the usual case).
        var routeId = IndexOf(batch.Names, RouteField);
        if (_pipelines.Length == 0 && routeId < 0)
        {
            return new ProcessedBatch(batch);
        }
        EventBatch? output = null;
        try
        {
            return Process(batch, listener, trace, routeId, ref output);
        }
        catch
        {
            // A pooled output batch must go back even when the run fails half-way.
            output?.Release();
            throw;
        }
    }

    private ProcessedBatch Process(EventBatch batch, string listener, IPipelineTrace? trace, int routeId, ref EventBatch? output)
    {
        var row = new BatchEventRow(batch);
        List<Task>? held = null;
        List<Pending>? late = null;
        var token = new object();
        FastRun? fast = null;
        int[]? nameMap = null;
        var planOfStream = _plans is null || !Planned ? null : new PipelinePlans.Plan?[batch.Streams.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            row.Index = i;
            var routed = routeId >= 0 && HasField(batch, i, routeId);
            if (!routed && _multiline.Length > 0 && FirstMultiline(batch, i, row) is { } ml)
            {
                if (output is null)
                {
                    output = CopyHead(batch, i, out nameMap);
                }
                JoinLine(batch, i, row, ml, listener, token, output, trace, ref held, ref late);
                continue;
            }
            // The pipelines that may select it, chosen once per value of the fields the conditions compare.
            var plan = routed || planOfStream is null ? null : _plans!.Find(batch, i, row, planOfStream);
            var entry = plan?.FirstSelecting(batch, i, row) ?? -1;
            var first = routed ? -1 : plan is null ? FirstSelecting(batch, i, row) : entry < 0 ? -1 : plan.Pipeline(entry);
            if (!routed && first < 0)
            {
                if (output is not null)
                {
                    CopyRaw(batch, i, output, nameMap!);
                }
                continue;
            }
            if (trace is null && !routed)
            {
                fast ??= new FastRun();
                if (fast.TryRun(this, batch, i, first, plan, entry))
                {
                    if (!fast.Changed)
                    {
                        // Selected but left as it came (no step matched or wrote): stored as if no pipeline had selected it.
                        if (output is not null)
                        {
                            CopyRaw(batch, i, output, nameMap!);
                        }
                        continue;
                    }
                    output ??= CopyHead(batch, i, out nameMap);
                    fast.Write(output);
                    continue;
                }
            }
            output ??= CopyHead(batch, i, out nameMap);
            var e = Materialise(batch, i);
            RunAll(e, trace);
            if (!e.Dropped)
            {
                Write(e, output);
            }
        }
        fast?.Flush(this);
        if (_multiline.Length > 0)
        {
            EndOfBatch(token, output, trace, ref held, ref late);
        }
        if (late is not null)
        {
            (held ??= []).Add(StoreLateAsync(late, listener));
        }
        if (output is not null)
        {
            Learn(batch, output);
        }
        var heldTask = held is null ? null : held.Count == 1 ? held[0] : Task.WhenAll(held);
        return new ProcessedBatch(output ?? batch, heldTask);
    }

    /// <summary>
    /// Runs the pipeline the event names in <see cref="RouteField"/>, else every pipeline whose
    /// condition the event matches, in order.
    /// </summary>
    public void RunAll(PipelineEvent e, IPipelineTrace? trace = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Get(RouteField) is { } route)
        {
            RunRouted(e, route.Text, trace);
            return;
        }
        foreach (var p in _pipelines)
        {
            if (e.Dropped)
            {
                return;
            }
            if (p.Matches(e))
            {
                p.Run(e, Metrics, trace);
            }
        }
    }

    private void RunRouted(PipelineEvent e, string name, IPipelineTrace? trace)
    {
        if (!_byName.TryGetValue(name, out var pipeline))
        {
            Interlocked.Increment(ref Metrics.UnknownRoutes);
            e.Set(Pipeline.ErrorField, $"{RouteField}: no pipeline is named '{name}'; the event is stored as it came");
            return;
        }
        e.Remove(RouteField);
        pipeline.Run(e, Metrics, trace);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }
        return -1;
    }

    private static bool HasField(EventBatch batch, int index, int nameId)
    {
        var (start, end) = batch.GetFieldRange(index);
        for (var f = start; f < end; f++)
        {
            if (batch.GetNameId(f) == nameId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The first pipeline whose condition the event matches, -1 for none.</summary>
    private int FirstSelecting(EventBatch batch, int index, BatchEventRow row)
    {
        for (var p = 0; p < _pipelines.Length; p++)
        {
            if (_pipelines[p].Matches(batch, index, row))
            {
                return p;
            }
        }
        return -1;
    }

    private Pipeline? FirstMultiline(EventBatch batch, int index, BatchEventRow row)
    {
        foreach (var p in _multiline)
        {
            if (p.Matches(batch, index, row))
            {
                return p;
            }
        }
        return null;
    }

    private void JoinLine(EventBatch batch, int i, BatchEventRow row, Pipeline ml, string listener, object token, EventBatch output, IPipelineTrace? trace, ref List<Task>? held, ref List<Pending>? late)
    {
        var rule = ml.Multiline!;
        var text = row.Get(rule.Field)?.Text ?? "";
        var key = (ml, batch.GetStream(i));
        Pending? complete = null;
        lock (_lock)
        {
            if (_pending.TryGetValue(key, out var p) && p.Lines < rule.MaxLines && rule.IsContinuation(text))
            {
                p.Event.Set(rule.Field, (p.Event.GetText(rule.Field) ?? "") + "\n" + text);
                p.Lines++;
                p.Deadline = DateTime.UtcNow + rule.Timeout;
                if (!ReferenceEquals(p.Owner, token))
                {
                    // This batch's line now lives in an event another batch started: wait for it.
                    p.Done ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    (held ??= []).Add(p.Done.Task);
                }
                return;
            }
            if (p is not null)
            {
                _pending.Remove(key);
                complete = p;
            }
            _pending[key] = new Pending(Materialise(batch, i), listener, token, DateTime.UtcNow + rule.Timeout);
        }
        if (complete is not null)
        {
            Emit(complete, token, output, trace, ref late);
        }
    }

    private void EndOfBatch(object token, EventBatch? output, IPipelineTrace? trace, ref List<Task>? held, ref List<Pending>? late)
    {
        List<Pending>? flush = null;
        lock (_lock)
        {
            foreach (var (key, p) in _pending)
            {
                if (!ReferenceEquals(p.Owner, token))
                {
                    continue;
                }
                if (_storeLate is null || _disposed)
                {
                    (flush ??= []).Add(p);
                    _pending.Remove(key);
                    continue;
                }
                p.Owner = null;
                p.Done ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                (held ??= []).Add(p.Done.Task);
            }
        }
        if (flush is not null)
        {
            foreach (var p in flush)
            {
                Emit(p, token, output!, trace, ref late);
            }
        }
    }

    /// <summary>Processes a completed multiline event: into this batch when only this batch knows it, else stored apart.</summary>
    private void Emit(Pending p, object token, EventBatch output, IPipelineTrace? trace, ref List<Pending>? late)
    {
        if (ReferenceEquals(p.Owner, token) && p.Done is null)
        {
            RunAll(p.Event, trace);
            if (!p.Event.Dropped)
            {
                Write(p.Event, output);
            }
            return;
        }
        (late ??= []).Add(p);
    }

    private async Task StoreLateAsync(List<Pending> events, string listener)
    {
        try
        {
            var batch = new EventBatch();
            foreach (var p in events)
            {
                RunAll(p.Event);
                if (!p.Event.Dropped)
                {
                    batch.Add(p.Event.ToLogEvent());
                }
            }
            if (batch.Count > 0 && _storeLate is not null)
            {
                await _storeLate(batch, listener).ConfigureAwait(false);
            }
            foreach (var p in events)
            {
                p.Done?.TrySetResult();
            }
        }
        catch (Exception e)
        {
            foreach (var p in events)
            {
                p.Done?.TrySetException(e);
            }
            throw;
        }
    }

    /// <summary>Stores held events whose timeout passed (all of them when <paramref name="force"/>).</summary>
    private Task FlushExpired(bool force)
    {
        List<Pending>? expired = null;
        var now = DateTime.UtcNow;
        lock (_lock)
        {
            foreach (var (key, p) in _pending)
            {
                // An event its batch is still building is left to that batch.
                if (p.Owner is null && (force || p.Deadline <= now))
                {
                    (expired ??= []).Add(p);
                    _pending.Remove(key);
                }
            }
        }
        if (expired is null)
        {
            return Task.CompletedTask;
        }
        var stores = new List<Task>();
        foreach (var group in expired.GroupBy(p => p.Listener, StringComparer.Ordinal))
        {
            // Failures reach the callers through their Held task; observed here so that they are not unobserved.
            stores.Add(StoreLateAsync([.. group], group.Key).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default));
        }
        return Task.WhenAll(stores);
    }

    /// <summary>Stores every held event now (on reload and shutdown); later batches hold nothing.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
        _timer?.Dispose();
        // Wait (bounded) so that on shutdown the held events reach the store before it closes.
        FlushExpired(force: true).Wait(TimeSpan.FromSeconds(10));
    }

    private static PipelineEvent Materialise(EventBatch batch, int i)
    {
        var (start, end) = batch.GetFieldRange(i);
        var fields = new KeyValuePair<string, FieldValue>[end - start];
        for (var f = start; f < end; f++)
        {
            fields[f - start] = new(batch.GetName(f), new FieldValue(batch.GetKind(f), System.Text.Encoding.UTF8.GetString(batch.GetValue(f))));
        }
        return new PipelineEvent(batch.GetTime(i), batch.GetStream(i), fields);
    }

    private static void Write(PipelineEvent e, EventBatch output)
    {
        output.BeginEvent(e.TimeNs);
        foreach (var (name, value) in e.Fields)
        {
            output.AddField(name, value.Kind, value.Text);
        }
        output.EndEvent(e.Stream);
    }

    /// <summary>
    /// What the output batches of this set held, per input event and per input byte (fixed point, 1/1024),
    /// as seen on the last batch: the next output batch is sized from it. Sized too small, its arrays
    /// grow by doubling and copying; too large, it costs memory the collector must reclaim. Both are large
    /// objects (a batch holds thousands of events), whose allocation rate drives full collections.
    /// </summary>
    private int _fieldsPerEvent1024 = 11 * 1024;
    private int _bytesPerByte1024 = 2 * 1024;

    private EventBatch CopyHead(EventBatch batch, int upTo, out int[] names)
    {
        var output = NewOutput(batch);
        names = NameMap(batch);
        for (var i = 0; i < upTo; i++)
        {
            CopyRaw(batch, i, output, names);
        }
        return output;
    }

    /// <summary>
    /// An empty output batch for <paramref name="batch"/>: from the pool when the input is a large batch
    /// (a pooled one, or a quarter of a pooled one's values), else allocated to the size the last output
    /// needed. A small batch (a shipper's few events) must not take megabytes of the pool into the store.
    /// </summary>
    private EventBatch NewOutput(EventBatch batch)
    {
        if (_outputs is { } pool && batch.Count <= pool.BatchEvents && (batch.IsPooled || batch.ValueBytes >= pool.BatchValueBytes / 4))
        {
            return pool.Rent();
        }
        // A tenth more than what the last batch needed, for a batch that selects a little more.
        var fields = (long)batch.Count * Volatile.Read(ref _fieldsPerEvent1024) * 11 / 10 / 1024;
        var bytes = (long)batch.ValueBytes * Volatile.Read(ref _bytesPerByte1024) * 11 / 10 / 1024;
        return new EventBatch(batch.Count, (int)Math.Clamp(fields, batch.TotalFields + 16, int.MaxValue / 2), (int)Math.Clamp(bytes, batch.ValueBytes + 1024, int.MaxValue / 2));
    }

    private void Learn(EventBatch batch, EventBatch output)
    {
        if (batch.Count > 0 && batch.ValueBytes > 0)
        {
            Volatile.Write(ref _fieldsPerEvent1024, (int)Math.Min((long)output.TotalFields * 1024 / batch.Count, 1 << 20));
            Volatile.Write(ref _bytesPerByte1024, (int)Math.Min((long)output.ValueBytes * 1024 / batch.ValueBytes, 1 << 16));
        }
    }

    /// <summary>Per name id of the input batch, its id in the output (-1 until first used): a copied field costs no name look-up.</summary>
    private static int[] NameMap(EventBatch batch)
    {
        var map = new int[batch.Names.Count];
        Array.Fill(map, -1);
        return map;
    }

    private static void CopyRaw(EventBatch batch, int i, EventBatch output, int[] names)
    {
        output.BeginEvent(batch.GetTime(i));
        var (start, end) = batch.GetFieldRange(i);
        for (var f = start; f < end; f++)
        {
            var nameId = batch.GetNameId(f);
            var id = names[nameId];
            if (id < 0)
            {
                id = names[nameId] = output.InternName(batch.GetName(f));
            }
            output.AddField(id, batch.GetKind(f), batch.GetValue(f));
        }
        output.EndEvent(batch.GetStream(i));
    }

    /// <summary>
    /// The fast path of one batch: an event runs on its bytes (<see cref="SpanEvent"/>) when every step it
    /// meets has a fast form that succeeds; else it is run again from the start as a <see cref="PipelineEvent"/>,
    /// so that failures, their tags and their counts are the slow path's.
    /// </summary>
    private sealed class FastRun
    {
        private readonly SpanEvent _event = new();
        private readonly List<int> _ins = [];
        private readonly List<int> _outs = [];

        /// <summary>Per pipeline and step, events counted in and out during this batch: added to the shared counters once, at its end.</summary>
        private long[][]? _in;
        private long[][]? _out;

        private OutputNames? _names;

        /// <summary>Adds this batch's counts to the shared counters.</summary>
        public void Flush(PipelineSet set)
        {
            if (_in is null || _out is null)
            {
                return;
            }
            for (var p = 0; p < _in.Length; p++)
            {
                if (_in[p][^1] == 0)
                {
                    // Not run in this batch: its counters are not created (as on the slow path).
                    continue;
                }
                var counters = set._pipelines[p].Counters(set.Metrics);
                for (var s = 0; s < counters.Length; s++)
                {
                    if (_in[p][s] != 0)
                    {
                        Interlocked.Add(ref counters[s].In, _in[p][s]);
                    }
                    if (_out[p][s] != 0)
                    {
                        Interlocked.Add(ref counters[s].Out, _out[p][s]);
                    }
                }
            }
        }

        /// <param name="first">The first pipeline that selects the event as it came (the ones before it do not).</param>
        /// <param name="plan">The pipelines that may select the event, when it has a plan; else all are tested.</param>
        /// <param name="entry">The entry of <paramref name="first"/> in <paramref name="plan"/>.</param>
        public bool TryRun(PipelineSet set, EventBatch batch, int index, int first, PipelinePlans.Plan? plan, int entry)
        {
            _event.Reset(batch, index);
            var pipelines = set._pipelines;
            _in ??= [.. pipelines.Select(p => new long[p.Processors.Count + 1])];
            _out ??= [.. pipelines.Select(p => new long[p.Processors.Count + 1])];
            _ins.Clear();
            _outs.Clear();
            var end = plan is null ? pipelines.Length : plan.Count;
            for (var k = plan is null ? first : entry; k < end; k++)
            {
                if (_event.Dropped)
                {
                    break;
                }
                var i = plan is null ? k : plan.Pipeline(k);
                var p = pipelines[i];
                // The batch form already said yes to the first; the others see the event as the pipelines before them left it.
                if (i != first && !(plan is null ? p.Condition is null || p.Condition.Matches(_event) : plan.Selects(k, _event)))
                {
                    continue;
                }
                if (p.Processors.Count >= 0xFFFF || !p.TryRunFast(_event, _ins, _outs, i << 16))
                {
                    return false;
                }
            }
            foreach (var step in _ins)
            {
                _in[step >> 16][step & 0xFFFF]++;
            }
            foreach (var step in _outs)
            {
                _out[step >> 16][step & 0xFFFF]++;
            }
            return true;
        }

        /// <summary>Whether the event <see cref="TryRun"/> ran differs from the batch's as it came.</summary>
        public bool Changed => _event.Changed;

        /// <summary>Appends the event <see cref="TryRun"/> ran to <paramref name="output"/>, unless it was dropped.</summary>
        public void Write(EventBatch output)
        {
            if (_event.Dropped)
            {
                return;
            }
            if (!ReferenceEquals(_names?.Output, output))
            {
                _names = new OutputNames(output);
            }
            _event.WriteTo(_names);
        }
    }

    private sealed class Pending(PipelineEvent e, string listener, object owner, DateTime deadline)
    {
        public PipelineEvent Event { get; } = e;

        public string Listener { get; } = listener;

        /// <summary>The call of <see cref="Process(EventBatch, string)"/> still building it; null once it was handed back held.</summary>
        public object? Owner { get; set; } = owner;

        public DateTime Deadline { get; set; } = deadline;

        public int Lines { get; set; } = 1;

        public TaskCompletionSource? Done { get; set; }
    }
}
