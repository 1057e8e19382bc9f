using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Threading.Channels;
using Vigie.Cli.Arguments;
using Vigie.Cli.Ingest;
using Vigie.Core;

namespace Vigie.Cli.Commands;

/// <summary>
/// <c>vigie ingest</c>: reads files line by line, packs the lines into NDJSON batches and sends them
/// with a few requests in flight, while the next batches are read.
/// </summary>
public static class IngestCommand
{
    public const int DefaultBatchBytes = 4 * 1024 * 1024;
    public const int DefaultConcurrency = 3;

    public static readonly CommandSpec Spec = new("ingest", """
        usage: vigie ingest [--server URL] [--api-key KEY] [--stream FIELDS] FILE...

        Sends log files to a server. A line that is a JSON object is sent as it is; any other line
        is plain text and becomes an event whose _msg is the line. FILE may be - for stdin; files
        ending in .gz are decompressed. Errors name the file and line they are about.

        flags:
          --server URL        the server (VIGIE_SERVER, default http://127.0.0.1:9880)
          --api-key KEY       sent as Authorization: Bearer KEY, for a server started with
                              --api-key (VIGIE_API_KEY, default none)
          --stream FIELDS     fields that identify a stream, comma-separated, e.g. host,service
          --batch-size SIZE   uncompressed bytes per request (default 4MB)
          --concurrency N     requests in flight (default 3)

        Exits with 1 if any line was rejected or any batch could not be stored.

        """, ["server", "api-key", "stream", "batch-size", "concurrency"], [], int.MaxValue);

    /// <summary>Retries for a batch when the server is unreachable or busy, and the first wait (doubling each time).</summary>
    public static int MaxAttempts { get; set; } = 6;

    public static TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(ParsedArgs args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var files = args.Positionals;
        if (files.Count == 0)
        {
            throw new UsageException("no input files (use - to read stdin)");
        }
        var server = ServerConnection.Resolve(args, console.Environment);
        var batchBytes = DefaultBatchBytes;
        if (args.Get("batch-size") is { } size)
        {
            if (!ByteSize.TryParse(size, out var parsed) || parsed < 1 || parsed > int.MaxValue / 2)
            {
                throw new UsageException($"invalid --batch-size '{size}': expected a size like 4MB");
            }
            batchBytes = (int)parsed;
        }
        var concurrency = DefaultConcurrency;
        if (args.Get("concurrency") is { } c && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out concurrency) || concurrency is < 1 or > 32))
        {
            throw new UsageException($"invalid --concurrency '{c}': expected a number from 1 to 32");
        }
        foreach (var file in files.Where(f => f != "-"))
        {
            if (!File.Exists(file))
            {
                await console.Error.WriteLineAsync($"vigie ingest: cannot open '{file}': no such file").ConfigureAwait(false);
                return CliApp.Failed;
            }
        }
        var path = "/api/v1/ingest";
        var streams = StreamFields.Parse(args.Get("stream"));
        if (streams.Count > 0)
        {
            path += "?stream=" + Uri.EscapeDataString(streams.ToString());
        }

        long? total = files.Contains("-") ? null : files.Sum(f => new FileInfo(f).Length);
        var progress = new IngestProgress(total);
        var totals = new IngestTotals(files);
        using var client = ServerConnection.CreateClient(server, TimeSpan.FromMinutes(5));
        if (args.Resolve("api-key", "VIGIE_API_KEY", console.Environment, "") is { Length: > 0 } apiKey)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }
        var sender = new BatchSender(client, server, path, MaxAttempts, FirstRetryDelay);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = Channel.CreateBounded<PendingBatch>(new BoundedChannelOptions(concurrency) { SingleWriter = true });

        var reading = Task.Run(() => ReadAll(files, console, batchBytes, progress, queue.Writer, stop.Token), CancellationToken.None);
        var sending = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => SendAll(queue.Reader, sender, totals, progress, stop), CancellationToken.None)).ToArray();
        using var showing = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var display = ShowProgress(progress, console, showing.Token);

        try
        {
            await Task.WhenAll(sending).ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The server could not be reached: the senders stopped everything; reported below.
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ChannelClosedException)
        {
            // A file that cannot be read (or a corrupt .gz) stops the run; what was sent stays stored.
            await stop.CancelAsync().ConfigureAwait(false);
            await console.Error.WriteLineAsync($"vigie ingest: {(e.InnerException ?? e).Message}").ConfigureAwait(false);
            await console.Error.WriteAsync(totals.Summary(progress.Elapsed)).ConfigureAwait(false);
            return CliApp.Failed;
        }
        finally
        {
            await showing.CancelAsync().ConfigureAwait(false);
            await display.ConfigureAwait(false);
        }

        if (totals.Unreachable is { } unreachable)
        {
            await console.Error.WriteLineAsync(unreachable).ConfigureAwait(false);
            if (totals.Accepted == 0)
            {
                return CliApp.Failed;
            }
        }
        await console.Error.WriteAsync(totals.Summary(progress.Elapsed)).ConfigureAwait(false);
        return totals.Succeeded ? CliApp.Ok : CliApp.Failed;
    }

    private static async Task ReadAll(IReadOnlyList<string> files, CliConsole console, int batchBytes, IngestProgress progress, ChannelWriter<PendingBatch> queue, CancellationToken cancellationToken)
    {
        try
        {
            var number = 0;
            var body = new ArrayBufferWriter<byte>(batchBytes + 64 * 1024);
            var map = new LineMap();
            for (var f = 0; f < files.Count; f++)
            {
                using var reader = new LineReader(Open(files[f], console, progress));
                long line = 0;
                while (true)
                {
                    var more = Fill(reader, f, ref line, body, map, batchBytes);
                    if (body.WrittenCount >= batchBytes)
                    {
                        await queue.WriteAsync(new PendingBatch(++number, body.WrittenMemory.ToArray(), map), cancellationToken).ConfigureAwait(false);
                        body.ResetWrittenCount();
                        map = new LineMap();
                    }
                    if (!more)
                    {
                        break;
                    }
                }
            }
            if (map.Lines > 0)
            {
                await queue.WriteAsync(new PendingBatch(++number, body.WrittenMemory.ToArray(), map), cancellationToken).ConfigureAwait(false);
            }
            queue.Complete();
        }
        catch (Exception e)
        {
            queue.Complete(e);
            throw;
        }
    }

    /// <summary>Adds lines until the batch is full (returns true) or the file ends (returns false).</summary>
    private static bool Fill(LineReader reader, int file, ref long line, ArrayBufferWriter<byte> body, LineMap map, int batchBytes)
    {
        while (body.WrittenCount < batchBytes)
        {
            if (!reader.TryReadLine(out var text))
            {
                return false;
            }
            line++;
            IngestLine.Append(text, body);
            map.Add(file, line);
        }
        return true;
    }

    private static Stream Open(string file, CliConsole console, IngestProgress progress)
    {
        Stream raw = file == "-" ? console.OpenStdin() : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var counted = new CountingStream(raw, progress);
        return file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(counted, CompressionMode.Decompress) : counted;
    }

    private static async Task SendAll(ChannelReader<PendingBatch> queue, BatchSender sender, IngestTotals totals, IngestProgress progress, CancellationTokenSource stop)
    {
        await foreach (var batch in queue.ReadAllAsync(stop.Token).ConfigureAwait(false))
        {
            var outcome = await sender.SendAsync(batch.Number, batch.Body, stop.Token).ConfigureAwait(false);
            totals.Record(batch, outcome);
            progress.AddEvents(outcome.Accepted);
            if (outcome.Unreachable)
            {
                // Every other batch would wait out the same retries: stop now.
                await stop.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private static async Task ShowProgress(IngestProgress progress, CliConsole console, CancellationToken cancellationToken)
    {
        var terminal = console.ErrorIsTerminal;
        var every = terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(10);
        var drawn = 0;
        try
        {
            while (true)
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                if (terminal)
                {
                    var bar = progress.Bar();
                    await console.Error.WriteAsync("\r" + bar.PadRight(drawn)).ConfigureAwait(false);
                    drawn = bar.Length;
                }
                else
                {
                    await console.Error.WriteLineAsync(progress.Line()).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (terminal && drawn > 0)
            {
                await console.Error.WriteAsync("\r" + new string(' ', drawn) + "\r").ConfigureAwait(false);
            }
        }
    }
}
