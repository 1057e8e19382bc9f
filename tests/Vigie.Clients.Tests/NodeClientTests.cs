using System.Diagnostics;

namespace Vigie.Clients.Tests;

/// <summary>npm's winston-loki (protobuf and JSON) and @elastic/elasticsearch, run with node.</summary>
public sealed class NodeClientTests : IAsyncLifetime
{
    private ClientServer _server = null!;

    public async Task InitializeAsync() => _server = await ClientServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("protobuf")]
    [InlineData("json")]
    public async Task WinstonLoki_Lines_AreStoredWithLabelsAsStream(string mode)
    {
        var run = Guid.NewGuid().ToString("N");

        await Node.RunAsync("loki.js", _server.BaseUrl, mode, run);

        var rows = await _server.QueryUntilAsync($"run:{run}", 3);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Contains($"{mode} hello", r.Text("_msg"), StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Equal("winston", r.Text("app")));
        Assert.All(rows, r => Assert.Contains("app=\"winston\"", r.Text("_stream"), StringComparison.Ordinal));
        Assert.Equal(["error", "info", "warning"], rows.Select(r => r.Text("level")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ElasticsearchJsClient_InfoAndBulk_DocumentsStored()
    {
        var run = Guid.NewGuid().ToString("N");

        await Node.RunAsync("elastic.js", _server.BaseUrl, run);

        var rows = await _server.QueryUntilAsync($"run:{run}", 3);
        Assert.Equal(["js line 1", "js line 2", "js line 3"], rows.Messages());
        var second = rows.Single(r => r.Text("_msg") == "js line 2");
        Assert.Equal("2026-11-25T10:00:02Z", second.Text("_time"));
        Assert.Equal("202", second.Text("http.status"));
        Assert.Equal("js-logs", second.Text("_index"));
    }
}

/// <summary>Runs a script of the js folder (its node_modules installed by scripts/install-test-deps.sh).</summary>
internal static class Node
{
    public static async Task RunAsync(string script, params string[] args)
    {
        var folder = ScriptsFolder();
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules")), $"no node_modules in {folder}: run scripts/install-test-deps.sh");
        var info = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }

    /// <summary>The js folder beside this project's sources (the tests run from bin/).</summary>
    private static string ScriptsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "js");
            if (File.Exists(Path.Combine(candidate, "package.json")) && File.Exists(Path.Combine(candidate, "loki.js")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("no js folder with package.json above " + AppContext.BaseDirectory);
    }
}
