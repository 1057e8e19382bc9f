using System.Diagnostics;
using System.Globalization;
using Vigie.Cli.Arguments;

namespace Vigie.Cli.Ingest;

/// <summary>Counters the reader and the senders update, and how they read on a terminal or in a log.</summary>
public sealed class IngestProgress(long? totalBytes)
{
    private const int BarWidth = 24;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _bytesRead;
    private long _events;

    public long? TotalBytes { get; } = totalBytes;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public long Events => Interlocked.Read(ref _events);

    public TimeSpan Elapsed => _clock.Elapsed;

    public void AddBytesRead(long bytes) => Interlocked.Add(ref _bytesRead, bytes);

    public void AddEvents(long events) => Interlocked.Add(ref _events, events);

    /// <summary>A one-line bar to redraw in place: <c>[#####-----]  45%  12 MB / 26 MB  310k events/s  ETA 0:12</c>.</summary>
    public string Bar()
    {
        var done = BytesRead;
        var seconds = Math.Max(Elapsed.TotalSeconds, 0.001);
        var rate = $"{Short(Events / seconds)} events/s";
        if (TotalBytes is not { } total || total <= 0)
        {
            return $"{ByteSize.Format(done)}  {Short(Events)} events  {rate}";
        }
        var fraction = Math.Clamp(done / (double)total, 0, 1);
        var filled = (int)Math.Round(fraction * BarWidth);
        var eta = done > 0 ? TimeSpan.FromSeconds(seconds * (total - done) / done) : (TimeSpan?)null;
        return $"[{new string('#', filled)}{new string('-', BarWidth - filled)}] {fraction * 100,3:0}%  {ByteSize.Format(done)} / {ByteSize.Format(total)}  {rate}  ETA {Clock(eta)}";
    }

    /// <summary>A line for a log, printed now and then when stderr is not a terminal.</summary>
    public string Line()
    {
        var of = TotalBytes is { } total ? $" of {ByteSize.Format(total)}" : "";
        var seconds = Math.Max(Elapsed.TotalSeconds, 0.001);
        return $"vigie ingest: read {ByteSize.Format(BytesRead)}{of}, {Short(Events)} events stored, {Short(Events / seconds)} events/s";
    }

    /// <summary>Counts for people: <c>950</c>, <c>310k</c>, <c>1.2M</c>.</summary>
    public static string Short(double count) => count switch
    {
        < 1_000 => Math.Round(count).ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => (count / 1e3).ToString(count < 10_000 ? "0.#" : "0", CultureInfo.InvariantCulture) + "k",
        _ => (count / 1e6).ToString(count < 10_000_000 ? "0.#" : "0", CultureInfo.InvariantCulture) + "M",
    };

    private static string Clock(TimeSpan? eta) => eta switch
    {
        null => "?",
        { TotalHours: >= 1 } t => $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}",
        { } t => $"{t.Minutes}:{t.Seconds:00}",
    };
}
