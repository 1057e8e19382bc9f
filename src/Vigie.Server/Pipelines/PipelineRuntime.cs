using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Vigie.Core;
using Vigie.Ingestion.Service;
using Vigie.Pipelines;
using Vigie.Pipelines.Configuration;
using Vigie.Storage.Store;

namespace Vigie.Server.Pipelines;

/// <summary>
/// The running pipelines: loads the config at start, reloads it on SIGHUP and when the file changes.
/// An invalid config on reload leaves the running pipelines in place and logs why; a valid one is
/// swapped in whole, so each batch is processed by one set or the other.
/// </summary>
internal sealed class PipelineRuntime : IDisposable
{
    /// <summary>An editor's save is several file events: reload once they stop.</summary>
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A file rewritten in place is empty between its truncation and its first write, which a busy
    /// machine can stretch past the debounce: an empty file is taken only once it stays empty this long.
    /// </summary>
    private static readonly TimeSpan EmptyFileGrace = TimeSpan.FromSeconds(2);

    private readonly string? _configFile;
    private readonly IngestionService _ingestion;
    private readonly LogStore _store;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _sighup;
    private Timer? _debounce;
    private long _emptySince;

    public PipelineRuntime(string? configFile, IngestionService ingestion, LogStore store, ILogger logger)
    {
        _configFile = configFile;
        _ingestion = ingestion;
        _store = store;
        _logger = logger;
    }

    public PipelineMetrics Metrics { get; } = new();

    /// <summary>Reloads that took effect and reloads refused (invalid config), for /metrics and tests.</summary>
    public long Reloads;

    public long ReloadFailures;

    public PipelineSet Current => (PipelineSet)_ingestion.Processor!;

    /// <summary>Loads the config and installs it; throws <see cref="ConfigException"/> when it is invalid.</summary>
    public void Start()
    {
        var set = Build(Load());
        _ingestion.Processor = set;
        _logger.LogInformation("pipelines: {Count} loaded ({Names})", set.Pipelines.Count, string.Join(", ", set.Pipelines.Select(p => p.Name)));
        if (_configFile is null)
        {
            return;
        }
        var full = Path.GetFullPath(_configFile);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _debounce = new Timer(_ => ReloadOnceWritten(full));
        FileSystemEventHandler changed = (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                ThreadPool.QueueUserWorkItem(_ => Reload("SIGHUP"));
            });
        }
    }

    /// <summary>Reloads after a file change, unless the file is empty, as it is in the middle of a rewrite.</summary>
    private void ReloadOnceWritten(string path)
    {
        var empty = File.Exists(path) && new FileInfo(path).Length == 0;
        if (empty)
        {
            var now = Environment.TickCount64;
            if (_emptySince == 0)
            {
                _emptySince = now;
            }
            if (now - _emptySince < EmptyFileGrace.TotalMilliseconds)
            {
                _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);
                return;
            }
        }
        _emptySince = 0;
        Reload("file change");
    }

    /// <summary>Reads the config again; true when the new pipelines took effect.</summary>
    public bool Reload(string why)
    {
        lock (_reloadLock)
        {
            IReadOnlyList<Pipeline> pipelines;
            try
            {
                pipelines = Load();
            }
            catch (ConfigException e)
            {
                Interlocked.Increment(ref ReloadFailures);
                _logger.LogError("pipelines: reload ({Why}) refused, the running pipelines stay in place: {Reason}", why, e.Message);
                return false;
            }
            var next = Build(pipelines);
            var previous = _ingestion.Processor as PipelineSet;
            _ingestion.Processor = next;
            // Events the old set holds (multiline) are stored now rather than lost with it.
            previous?.Dispose();
            Interlocked.Increment(ref Reloads);
            _logger.LogInformation("pipelines: reloaded ({Why}): {Count} pipeline(s)", why, pipelines.Count);
            return true;
        }
    }

    private IReadOnlyList<Pipeline> Load() =>
        _configFile is null ? PipelineConfigLoader.BuiltInsOnly() : PipelineConfigLoader.LoadFile(_configFile);

    private PipelineSet Build(IReadOnlyList<Pipeline> pipelines) => new(pipelines, Metrics, StoreLateAsync, _store.BatchPool);

    /// <summary>Where multiline stores the events it held back, counted for the listener they came from.</summary>
    private async Task StoreLateAsync(EventBatch batch, string listener)
    {
        await _store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Add(ref _ingestion.Metrics.For(listener).Accepted, batch.Count);
    }

    public void Dispose()
    {
        _sighup?.Dispose();
        _watcher?.Dispose();
        _debounce?.Dispose();
        (_ingestion.Processor as PipelineSet)?.Dispose();
    }
}
