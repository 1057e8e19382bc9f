using System.Net;
using System.Text;

namespace Vigie.EndToEnd.Tests;

/// <summary>
/// The native <c>vigie-agent</c> executable as published, against a real <c>vigie serve</c>: it tails a
/// file, its lines are stored, its <c>/healthz</c> answers, and SIGTERM stops it cleanly; and the same
/// executable as the container image of deploy/agent (AgentNativeTests.Image.cs, the same publish).
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class AgentNativeTests(CliBuild cli, AgentNativeBuild native, ITestOutputHelper output) : IClassFixture<AgentNativeBuild>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("vigie-e2e-agent-native-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task PublishedAgent_TailsAFile_LinesStoredHealthzAnswersSigtermExitsCleanly()
    {
        var logFile = Path.Combine(_work, "app.log");
        await File.WriteAllLinesAsync(logFile, Enumerable.Range(1, 100).Select(i => $"native line {i}"));
        var config = Path.Combine(_work, "agent.yaml");
        await File.WriteAllTextAsync(config, $"files:\n  - path: {logFile}\n");
        using var server = await VigieProcess.StartAsync(cli, Path.Combine(_work, "server"));
        var listen = VigieProcess.FreePort();
        var log = new StringBuilder();
        using var agent = AgentProcess.StartNative(native.Executable, log, "--server", server.Address.ToString(), "--docker-host", "off",
            "--config", config, "--data", Path.Combine(_work, "agent"), "--listen", $"127.0.0.1:{listen}", "--hostname", "native-host", "--batch-wait", "100ms");
        try
        {
            // Written while the agent runs: followed, not only read at start.
            await Task.Delay(500);
            await File.AppendAllLinesAsync(logFile, Enumerable.Range(101, 100).Select(i => $"native line {i}"));
            var rows = await server.QueryUntilAsync("host:native-host", r => r.Count >= 200, TimeSpan.FromSeconds(30));
            Assert.Equal(Enumerable.Range(1, 200).Select(i => $"native line {i}").Order(), rows.Select(r => r.GetProperty("_msg").GetString()!).Order());
            Assert.All(rows, r => Assert.Equal(logFile, r.GetProperty("file").GetString()));

            using var http = new HttpClient();
            using var health = await http.GetAsync($"http://127.0.0.1:{listen}/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var metrics = await http.GetStringAsync($"http://127.0.0.1:{listen}/metrics");
            Assert.Contains("vigie_agent_lines_read_total{source=\"files\"} 200", metrics, StringComparison.Ordinal);

            Assert.Equal(0, await agent.StopAsync());
        }
        finally
        {
            output.WriteLine(log.ToString());
        }
    }
}
