using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Vigie.Core;
using Vigie.Testing.Docker;

namespace Vigie.EndToEnd.Tests;

/// <summary>
/// The whole collection path with real processes: a Docker daemon and busybox containers printing
/// known numbered lines, <c>vigie serve</c>, <c>vigie agent</c>. One container is restarted, one
/// renamed; the server is stopped for a while and started again; the agent is restarted, then
/// killed with SIGKILL and started again. Afterwards every line is stored exactly once, with its
/// container's metadata, in order per container.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class AgentDockerTests(CliBuild cli, ITestOutputHelper output) : IDisposable
{
    private const int SteadyLines = 300;
    private const int RestartedLines = 50;

    private readonly string _serverData = Directory.CreateTempSubdirectory("vigie-e2e-agent-server-").FullName;
    private readonly string _agentData = Directory.CreateTempSubdirectory("vigie-e2e-agent-").FullName;
    private readonly StringBuilder _agentLog = new();

    public void Dispose()
    {
        Directory.Delete(_serverData, recursive: true);
        Directory.Delete(_agentData, recursive: true);
    }

    [Fact]
    public async Task AgentFollowsContainers_ThroughRestartsRenameServerOutageAndKill_EveryLineOnceWithMetadataInOrder()
    {
        await using var docker = await LocalDockerDaemon.StartAsync();
        var port = VigieProcess.FreePort();
        var server = await VigieProcess.StartOnPortAsync(cli, _serverData, port);
        string[] agentArgs = ["--server", server.Address.ToString(), "--docker-host", docker.Host, "--data", _agentData,
            "--listen", "off", "--hostname", "e2e-host", "--batch-wait", "100ms"];
        var agent = AgentProcess.Start(cli, _agentLog, agentArgs);
        try
        {
            var clock = Stopwatch.StartNew();
            // Numbered lines every 30 ms (a third also on stderr), for about 10 s.
            var steadyLoop = $"i=1; while [ $i -le {SteadyLines} ]; do echo steady $i; [ $((i % 3)) = 0 ] && echo steady err $i >&2; i=$((i+1)); usleep 30000; done";
            var steady = await RunAsync(docker, "steady", steadyLoop, "--label", "com.docker.compose.project=shop", "--label", "com.docker.compose.service=web");
            var renamedLoop = $"i=1; while [ $i -le {SteadyLines} ]; do echo renamed $i; i=$((i+1)); usleep 30000; done";
            var renamed = await RunAsync(docker, "before-rename", renamedLoop, "-t");
            // Each run counts itself in the container's own file system.
            var runs = $"n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; i=1; while [ $i -le {RestartedLines} ]; do echo restarted run $n line $i; i=$((i+1)); done";
            var restarted = await RunAsync(docker, "restarted", runs);
            var hidden = await RunAsync(docker, "hidden", "echo hidden line", "--label", "vigie.enable=false");

            await Task.Delay(1500);
            await docker.RunOkAsync(["rename", "before-rename", "after-rename"]);
            await Task.Delay(500);

            // The server goes away for a while; meanwhile a container runs again.
            Assert.Equal(0, await server.StopAsync());
            server.Dispose();
            await docker.RunOkAsync(["start", restarted]);
            await Task.Delay(2500);
            server = await VigieProcess.StartOnPortAsync(cli, _serverData, port);

            // The agent is restarted, then killed without warning, and a container runs a third time in between.
            await Task.Delay(1000);
            Assert.Equal(0, await agent.StopAsync());
            agent.Dispose();
            agent = AgentProcess.Start(cli, _agentLog, agentArgs);
            await Task.Delay(1500);
            await docker.RunOkAsync(["start", restarted]);
            await Task.Delay(1000);
            agent.KillHard();
            agent.Dispose();
            await Task.Delay(500);
            agent = AgentProcess.Start(cli, _agentLog, agentArgs);

            await docker.RunOkAsync(["wait", steady, renamed, restarted], TimeSpan.FromSeconds(60));
            var total = SteadyLines + SteadyLines / 3 + SteadyLines + 3 * RestartedLines;
            List<JsonElement> rows = [];
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                rows = await server.QueryAsync("host:e2e-host | limit 100000");
                if (rows.Count >= total)
                {
                    // Anything sent twice would arrive by now too.
                    await Task.Delay(1500);
                    rows = await server.QueryAsync("host:e2e-host | limit 100000");
                    break;
                }
                await Task.Delay(250);
            }
            output.WriteLine($"{rows.Count} rows after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(rows.Count == total, $"expected {total} lines, the server has {rows.Count}\nagent log:\n{AgentLog}");

            var lines = rows.Select(Line.From).ToList();
            Assert.All(lines, l => Assert.Equal(LocalDockerDaemon.Image, l.Image));
            Assert.DoesNotContain(lines, l => l.Container == "hidden" || l.Message.Contains("hidden", StringComparison.Ordinal));

            // steady: every line once, in order per stream, with the compose fields.
            var steadyLines = lines.Where(l => l.Container == "steady").OrderBy(l => l.TimeNs).ToList();
            Assert.Equal(Enumerable.Range(1, SteadyLines).Select(i => $"steady {i}"), steadyLines.Where(l => l.Stream == "stdout").Select(l => l.Message));
            Assert.Equal(Enumerable.Range(1, SteadyLines).Where(i => i % 3 == 0).Select(i => $"steady err {i}"), steadyLines.Where(l => l.Stream == "stderr").Select(l => l.Message));
            Assert.All(steadyLines, l => Assert.Equal(("shop", "web"), (l.Project, l.Service)));

            // renamed (a TTY): every line once, in order; the old name up to the rename, the new one after.
            var renamedLines = lines.Where(l => l.Message.StartsWith("renamed ", StringComparison.Ordinal)).OrderBy(l => l.TimeNs).ToList();
            Assert.Equal(Enumerable.Range(1, SteadyLines).Select(i => $"renamed {i}"), renamedLines.Select(l => l.Message));
            var firstNew = renamedLines.FindIndex(l => l.Container == "after-rename");
            Assert.True(firstNew > 0, "no line carries the new name");
            Assert.All(renamedLines[..firstNew], l => Assert.Equal("before-rename", l.Container));
            Assert.All(renamedLines[firstNew..], l => Assert.Equal("after-rename", l.Container));

            // restarted: three runs, each whole, in order.
            var restartedLines = lines.Where(l => l.Container == "restarted").OrderBy(l => l.TimeNs).Select(l => l.Message);
            Assert.Equal(
                from run in Enumerable.Range(1, 3) from i in Enumerable.Range(1, RestartedLines) select $"restarted run {run} line {i}",
                restartedLines);
            _ = hidden;
        }
        finally
        {
            agent.Dispose();
            server.Dispose();
        }
    }

    private string AgentLog
    {
        get
        {
            lock (_agentLog)
            {
                var text = _agentLog.ToString();
                return text.Length > 20000 ? text[^20000..] : text;
            }
        }
    }

    private static async Task<string> RunAsync(LocalDockerDaemon docker, string name, string script, params string[] options) =>
        (await docker.RunOkAsync(["run", "-d", "--network=none", "--name", name, .. options, LocalDockerDaemon.Image, "sh", "-c", script])).Trim();

    private sealed record Line(string Container, string Image, string Stream, string? Project, string? Service, string Message, long TimeNs)
    {
        public static Line From(JsonElement row)
        {
            Assert.Equal("e2e-host", row.GetProperty("host").GetString());
            Assert.True(Timestamps.TryParseRfc3339(row.GetProperty("_time").GetString(), out var ns));
            return new Line(
                row.GetProperty("container").GetString()!, row.GetProperty("image").GetString()!, row.GetProperty("stream").GetString()!,
                row.TryGetProperty("project", out var p) ? p.GetString() : null, row.TryGetProperty("service", out var s) ? s.GetString() : null,
                row.GetProperty("_msg").GetString()!, ns);
        }
    }
}
