using System.Text.Json;

namespace Vigie.EndToEnd.Tests;

/// <summary>The client commands of the real CLI against a real server.</summary>
[Collection(CliCollection.Name)]
public sealed class CliCommandTests(CliBuild cli) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-e2e-cli-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Version_Run_PrintsVersionAndExits0()
    {
        var (code, stdout, _) = await cli.RunAsync("version");

        Assert.Equal(0, code);
        Assert.StartsWith("vigie ", stdout, StringComparison.Ordinal);
        Assert.Contains(".NET", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestThenQuery_PlainAndNdjsonLines_StoredAndPrintedAsNdjsonAndTable()
    {
        using var server = await VigieProcess.StartAsync(cli, Path.Combine(_dir, "data"));
        var file = Path.Combine(_dir, "mixed.log");
        await File.WriteAllTextAsync(file, string.Join('\n',
            "plain text line one",
            "{\"_msg\":\"json line\",\"level\":\"error\",\"status\":503,\"host\":\"web-1\"}",
            "plain \"quoted\" line three",
            "{\"_msg\":\"another json\",\"level\":\"info\",\"status\":200,\"host\":\"web-2\"}") + "\n");

        var (code, _, error) = await cli.RunAsync("ingest", "--server", server.Address.ToString(), "--stream", "host", file);

        Assert.True(code == 0, error);
        var rows = await server.QueryUntilAsync("*", r => r.Count == 4);
        Assert.Equal(["another json", "json line", "plain \"quoted\" line three", "plain text line one"], rows.Select(r => r.GetProperty("_msg").GetString()).Order(StringComparer.Ordinal));

        var (ndCode, ndjson, ndError) = await cli.RunAsync("query", "--server", server.Address.ToString(), "--format", "ndjson", "level:error");
        Assert.True(ndCode == 0, ndError);
        var line = JsonDocument.Parse(Assert.Single(ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal("json line", line.GetProperty("_msg").GetString());
        Assert.Equal(503, line.GetProperty("status").GetInt32());
        Assert.Equal("{host=\"web-1\"}", line.GetProperty("_stream").GetString());

        var (tableCode, table, tableError) = await cli.RunAsync("query", "--server", server.Address.ToString(), "--format", "table", "* | stats count() as hits by (level)");
        Assert.True(tableCode == 0, tableError);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^level\s+hits$", lines[0].TrimEnd());
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^error\s+1\s*$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^info\s+1\s*$"));
    }

    [Fact]
    public async Task Query_BadQuery_Exits1AndPointsAtTheError()
    {
        using var server = await VigieProcess.StartAsync(cli, Path.Combine(_dir, "data"));

        var (code, stdout, error) = await cli.RunAsync("query", "--server", server.Address.ToString(), "status:(");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("column 8", error, StringComparison.Ordinal);
    }
}
