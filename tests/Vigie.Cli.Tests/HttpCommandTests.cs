using System.IO.Compression;
using System.Text;
using Vigie.Cli.Commands;

namespace Vigie.Cli.Tests;

/// <summary>The client commands against a real HTTP listener.</summary>
public sealed class HttpCommandTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-cli-").FullName;
    private FakeVigie _server = null!;

    public HttpCommandTests()
    {
        IngestCommand.FirstRetryDelay = TimeSpan.FromMilliseconds(10);
        IngestCommand.MaxAttempts = 3;
    }

    public async Task InitializeAsync() => _server = await FakeVigie.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Out, string Error)> Run(TestConsole console, params string[] args)
    {
        var code = await CliApp.RunAsync(args, console.Build(), CancellationToken.None);
        return (code, console.Out.ToString(), console.Error.ToString());
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_dir, name);
        var text = string.Join("\n", lines) + "\n";
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        else
        {
            File.WriteAllText(path, text);
        }
        return path;
    }

    [Fact]
    public async Task Ingest_TwoFilesInSmallBatches_SendsEveryLineGzippedAndMapsErrorsToFileLines()
    {
        var a = Write("a.log", Enumerable.Range(1, 50).Select(i => i switch
        {
            17 => "line 17 REJECT",
            _ when i % 2 == 0 => $$"""{"i":{{i}},"_msg":"json {{i}}"}""",
            _ => $"plain \"{i}\"",
        }));
        var b = Write("b.log.gz", Enumerable.Range(1, 30).Select(i => i == 5 ? "{\"REJECT\":1}" : $"gz {i}"));
        var console = new TestConsole();

        var (code, _, error) = await Run(console, "ingest", "--server", _server.Address.ToString(), "--stream", "service,host", "--batch-size", "300", a, b);

        Assert.Equal(1, code);
        var requests = _server.Ingests.ToArray();
        Assert.True(requests.Length > 5, $"{requests.Length} requests");
        Assert.All(requests, r => Assert.Equal("gzip", r.Encoding));
        Assert.All(requests, r => Assert.Equal("host,service", r.Stream));
        var lines = requests.SelectMany(r => r.Lines).ToHashSet();
        Assert.Equal(80, lines.Count);
        Assert.Contains("""{"_msg":"plain \"1\""}""", lines);
        Assert.Contains("""{"i":2,"_msg":"json 2"}""", lines);
        Assert.Contains("""{"_msg":"gz 30"}""", lines);
        Assert.Contains($"ingested 78 events (2 rejected) from 2 files in ", error, StringComparison.Ordinal);
        Assert.Contains($"first errors:\n  {a}:17: rejected by test\n  {b}:5: rejected by test\n", error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_ServerBusyTwice_RetriesAndStoresTheBatchOnce()
    {
        _server.Unavailable = 2;
        var file = Write("app.log", Enumerable.Range(1, 10).Select(i => $"line {i}"));
        var console = new TestConsole();

        var (code, _, error) = await Run(console, "ingest", "--server", _server.Address.ToString(), file);

        Assert.Equal(0, code);
        Assert.Equal(3, _server.IngestAttempts);
        Assert.Equal(10, Assert.Single(_server.Ingests).Lines.Length);
        Assert.StartsWith("ingested 10 events (0 rejected) from " + file + " in ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_ServerBusyForever_GivesUpAfterBoundedAttempts()
    {
        _server.Unavailable = 100;
        var file = Write("app.log", ["x"]);
        var console = new TestConsole();

        var (code, _, error) = await Run(console, "ingest", "--server", _server.Address.ToString(), file);

        Assert.Equal(1, code);
        Assert.Equal(3, _server.IngestAttempts);
        Assert.Contains(":1: batch of 1 lines not stored: the server stayed unavailable (503) after 3 attempts: busy", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_Stdin_IsReadAndNamedStdin()
    {
        var console = new TestConsole { Stdin = TestConsole.Utf8("one\r\n\r\nREJECT\n") };

        var (code, _, error) = await Run(console, "ingest", "--server", _server.Address.ToString(), "-");

        Assert.Equal(1, code);
        Assert.Equal(["""{"_msg":"one"}""", "", """{"_msg":"REJECT"}"""], Assert.Single(_server.Ingests).Lines);
        Assert.Contains("  stdin:3: rejected by test", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_ServerDown_PrintsOneClearLine()
    {
        var file = Write("app.log", ["x"]);
        var closed = FakeVigie.ClosedAddress();
        var console = new TestConsole();

        var (code, _, error) = await Run(console, "ingest", "--server", closed.ToString(), file);

        Assert.Equal(1, code);
        Assert.Equal($"cannot reach Vigie at http://127.0.0.1:{closed.Port}: connection refused\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Ingest_CorruptGzip_StopsWithAClearError()
    {
        var file = Path.Combine(_dir, "bad.log.gz");
        await File.WriteAllBytesAsync(file, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var console = new TestConsole();

        var (code, _, error) = await Run(console, "ingest", "--server", _server.Address.ToString(), file);

        Assert.Equal(1, code);
        Assert.StartsWith("vigie ingest: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_MissingFile_FailsBeforeSending()
    {
        var console = new TestConsole();

        var (code, _, error) = await Run(console, "ingest", "--server", _server.Address.ToString(), Path.Combine(_dir, "nope.log"));

        Assert.Equal(1, code);
        Assert.Contains("cannot open", error, StringComparison.Ordinal);
        Assert.Equal(0, _server.IngestAttempts);
    }

    [Fact]
    public async Task Query_Events_PrintsATableAndSendsTheBounds()
    {
        _server.QueryAnswer = """
            {"_time":"2025-11-25T10:00:00Z","_stream":"{}","_msg":"boom","status":500}
            {"_time":"2025-11-25T10:00:01Z","_stream":"{}","_msg":"ok","status":200}

            """;
        var console = new TestConsole();
        console.Environment["VIGIE_SERVER"] = _server.Address.ToString();

        var (code, output, _) = await Run(console, "query", "--start", "-1h", "--limit", "2", "--format", "table", "error");

        Assert.Equal(0, code);
        Assert.Equal("_time                 status  _msg\n2025-11-25T10:00:00Z     500  boom\n2025-11-25T10:00:01Z     200  ok\n", output);
        Assert.StartsWith("?q=error&start=", _server.LastQuery, StringComparison.Ordinal);
        Assert.EndsWith("&limit=2", _server.LastQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_NotATerminal_DefaultsToNdjson()
    {
        _server.QueryAnswer = "{\"count\":\"3\"}\n";
        var console = new TestConsole();

        var (code, output, _) = await Run(console, "query", "--server", _server.Address.ToString(), "* | stats count()");

        Assert.Equal(0, code);
        Assert.Equal("{\"count\":\"3\"}\n", output);
    }

    [Fact]
    public async Task Query_BadQuery_ShowsCaretAndExitsWithOne()
    {
        _server.QueryStatus = 400;
        _server.QueryAnswer = """{"error":"unknown pipe 'stat'","line":1,"column":5}""";
        var console = new TestConsole();

        var (code, _, error) = await Run(console, "query", "--server", _server.Address.ToString(), "* | stat count()");

        Assert.Equal(1, code);
        Assert.Equal("error: unknown pipe 'stat'\n  * | stat count()\n      ^\n", error);
    }

    [Fact]
    public async Task Query_ServerDown_PrintsOneClearLine()
    {
        var closed = FakeVigie.ClosedAddress();
        var console = new TestConsole();

        var (code, _, error) = await Run(console, "query", "--server", closed.ToString(), "x");

        Assert.Equal(1, code);
        Assert.Equal($"cannot reach Vigie at http://127.0.0.1:{closed.Port}: connection refused\n", error.ReplaceLineEndings("\n"));
    }
}
