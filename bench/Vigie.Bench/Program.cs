using System.Diagnostics;
using System.Text.Json;
using Vigie.Bench;

if (args.Length > 0 && args[0] == "protocols")
{
    try
    {
        return await ProtocolBench.RunAsync(args[1..]);
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"vigie-bench protocols: {e.Message}\n\n{ProtocolBench.Usage}");
        return 2;
    }
}
if (args is ["decoders", ..])
{
    try
    {
        return DecoderBench.Run(args[1..]);
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"vigie-bench decoders: {e.Message}\n\n{DecoderBench.Usage}");
        return 2;
    }
}
if (args is ["ui", ..])
{
    try
    {
        return await UiBench.RunAsync(args[1..]);
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"vigie-bench ui: {e.Message}\n\n{UiBench.Usage}");
        return 2;
    }
}
if (args is ["pipelines", ..])
{
    return await PipelinesBench.RunAsync(args[1..]);
}
if (args is ["idempotency", ..])
{
    return await IdempotencyBench.RunAsync(args[1..]);
}
if (args is ["write-path", ..])
{
    return await WritePathBench.RunAsync(args[1..]);
}
if (args is ["merges", ..])
{
    return await MergePathBench.RunAsync(args[1..]);
}
if (args is ["encode", ..])
{
    return await EncodeBench.RunAsync(args[1..]);
}
if (args is ["zstd", ..])
{
    return await ZstdBench.RunAsync(args[1..]);
}
if (args is ["query-engine", ..])
{
    try
    {
        return await QueryEngineBench.RunAsync(args[1..]);
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"vigie-bench query-engine: {e.Message}\n\n{QueryEngineBench.Usage}");
        return 2;
    }
}
if (args is ["agent-files", ..])
{
    return await AgentFilesBench.RunAsync(args[1..]);
}

Options options;
try
{
    options = Options.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"vigie-bench: {e.Message}\n\n{Options.Usage}");
    return 2;
}

var repo = Report.FindRepoRoot();
if (repo is null)
{
    Console.Error.WriteLine("vigie-bench: run me from inside the Vigie repository (no Vigie.slnx found above the current directory)");
    return 2;
}
string? clickhouse = null;
if (!options.SkipClickHouse)
{
    clickhouse = ClickHouseBench.Find(options.ClickHouseBinary);
    if (clickhouse is null)
    {
        Console.Error.WriteLine("""
            vigie-bench: ClickHouse is not installed: no /usr/bin/clickhouse-server, /usr/sbin/clickhouse-server or /usr/bin/clickhouse.
            Install it with bench/setup.sh (Debian: apt-get install clickhouse-server clickhouse-client),
            pass --clickhouse FILE, or run with --no-clickhouse to measure Vigie alone.
            """);
        return 2;
    }
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var dll = options.VigieDll ?? Path.Combine(repo, ".build", "vigie.dll");
if (options.VigieDll is null)
{
    // The launcher rebuilds the CLI when the sources changed; do it now, not inside a timed phase.
    Console.WriteLine("building vigie (./vigie version)...");
    using var build = Process.Start(new ProcessStartInfo(Path.Combine(repo, "vigie")) { ArgumentList = { "version" }, UseShellExecute = false })!;
    await build.WaitForExitAsync(cts.Token);
    if (build.ExitCode != 0)
    {
        Console.Error.WriteLine("vigie-bench: building vigie failed");
        return 1;
    }
}

var work = Path.Combine(options.TempRoot ?? Path.GetTempPath(), "vigie-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
var report = new BenchReport
{
    StartedAt = DateTimeOffset.UtcNow,
    Events = options.Events,
    Seed = options.Seed,
    Concurrency = options.Concurrency,
    BodyMegabytes = options.BodyMegabytes,
    QueryRuns = options.Runs,
    Machine = Report.Machine(repo),
};
try
{
    Console.WriteLine($"generating {options.Events:N0} events (seed {options.Seed}) into {work}...");
    var sw = Stopwatch.StartNew();
    var ndjson = Path.Combine(work, "corpus.ndjson");
    var tsv = Path.Combine(work, "corpus.tsv");
    var facts = new Corpus(options.Events, options.Seed, DateTimeOffset.UtcNow).Write(ndjson, tsv, options.BodyMegabytes * 1024 * 1024);
    report.GenerateSeconds = Math.Round(sw.Elapsed.TotalSeconds, 1);
    report.NdjsonBytes = facts.NdjsonBytes;
    report.NdjsonBytesPerEvent = Math.Round((double)facts.NdjsonBytes / facts.Events, 1);
    Console.WriteLine($"generated in {report.GenerateSeconds:0.0} s: NDJSON {facts.NdjsonBytes / 1e6:0.0} MB ({report.NdjsonBytesPerEvent:0} B/event, {facts.NdjsonChunks.Count} bodies), TSV {facts.TsvBytes / 1e6:0.0} MB; " +
        $"rare word x{facts.RareCount}, '{Corpus.CommonWord}' x{facts.CommonCount}, phrase x{facts.PhraseCount}, {facts.DistinctClientIps:N0} client IPs");

    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromMinutes(15),
    };
    report.Vigie = await new VigieBench(options, facts, ndjson, work, dll, http).RunAsync(cts.Token);
    if (clickhouse is not null)
    {
        report.ClickHouse = await new ClickHouseBench(options, facts, tsv, work, clickhouse, http).RunAsync(cts.Token);
    }
    Report.Build(report);
    Console.WriteLine();
    Console.WriteLine(Report.Render(report));
    await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(report, Report.Json), cts.Token);
    Console.WriteLine($"results written to {options.JsonPath}");
    return report.AnswerMismatches.Count == 0 ? 0 : 3;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("vigie-bench: interrupted");
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
{
    Console.Error.WriteLine($"vigie-bench: {e.Message}");
    return 1;
}
finally
{
    if (options.Keep)
    {
        Console.WriteLine($"kept {work}");
    }
    else
    {
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"vigie-bench: could not remove {work}: {e.Message}");
        }
    }
}
