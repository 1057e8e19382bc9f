using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Vigie.Testing.Docker;

namespace Vigie.EndToEnd.Tests;

/// <summary>
/// <c>vigie agent --docker-log-files on</c> with real processes: containers logging with json-file and
/// local (small files, rotated many times), the agent stopped, then killed with SIGKILL while they
/// write; its positions in the files survive both, through its disk buffer: every line once, in order.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class AgentDockerLogFilesTests(CliBuild cli, ITestOutputHelper output) : IDisposable
{
    private const int Lines = 2000;

    private readonly string _serverData = Directory.CreateTempSubdirectory("vigie-e2e-agent-files-server-").FullName;
    private readonly string _agentData = Directory.CreateTempSubdirectory("vigie-e2e-agent-files-").FullName;
    private readonly StringBuilder _agentLog = new();

    public void Dispose()
    {
        Directory.Delete(_serverData, recursive: true);
        Directory.Delete(_agentData, recursive: true);
    }

    [Fact]
    public async Task AgentReadsLogFiles_StoppedAndKilledWhileTheyRotate_EveryLineOnceInOrder()
    {
        await using var docker = await LocalDockerDaemon.StartAsync();
        using var server = await VigieProcess.StartAsync(cli, _serverData);
        string[] agentArgs = ["--server", server.Address.ToString(), "--docker-host", docker.Host, "--docker-log-files", "on", "--data", _agentData,
            "--listen", "off", "--hostname", "e2e-files", "--batch-wait", "100ms"];
        var agent = AgentProcess.Start(cli, _agentLog, agentArgs);
        try
        {
            // Numbered lines for about 8 s, in 8 KiB files (dozens of rotations), a tenth also on stderr.
            var loop = $"i=1; while [ $i -le {Lines} ]; do echo line $i of $(hostname); [ $((i % 10)) = 0 ] && echo err $i >&2; [ $((i % 50)) = 0 ] && usleep 200000; i=$((i+1)); done";
            string[] small = ["--log-opt", "max-size=8k", "--log-opt", "max-file=100"];
            var json = await RunAsync(docker, "json", loop, ["--log-driver", "json-file", .. small, "--hostname", "json"]);
            var local = await RunAsync(docker, "local", loop, ["--log-driver", "local", .. small, "--hostname", "local"]);

            await Task.Delay(2000);
            Assert.Equal(0, await agent.StopAsync());
            agent.Dispose();
            await Task.Delay(1500);
            agent = AgentProcess.Start(cli, _agentLog, agentArgs);
            await Task.Delay(2000);
            agent.KillHard();
            agent.Dispose();
            await Task.Delay(1500);
            agent = AgentProcess.Start(cli, _agentLog, agentArgs);

            await docker.RunOkAsync(["wait", json, local], TimeSpan.FromSeconds(60));
            var total = 2 * (Lines + Lines / 10);
            List<JsonElement> rows = [];
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                rows = await server.QueryAsync("host:e2e-files | limit 100000");
                if (rows.Count >= total)
                {
                    // Anything sent twice would arrive by now too.
                    await Task.Delay(1500);
                    rows = await server.QueryAsync("host:e2e-files | limit 100000");
                    break;
                }
                await Task.Delay(250);
            }
            Assert.True(rows.Count == total, $"expected {total} lines, the server has {rows.Count}\nagent log:\n{AgentLog}");
            Assert.Contains("reading the json-file log files", AgentLog, StringComparison.Ordinal);
            Assert.Contains("reading the local log files", AgentLog, StringComparison.Ordinal);
            foreach (var name in new[] { "json", "local" })
            {
                var of = rows.Where(r => r.GetProperty("container").GetString() == name).OrderBy(Time).ToList();
                Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line {i} of {name}"),
                    of.Where(r => r.GetProperty("stream").GetString() == "stdout").Select(r => r.GetProperty("_msg").GetString()));
                Assert.Equal(Enumerable.Range(1, Lines).Where(i => i % 10 == 0).Select(i => $"err {i}"),
                    of.Where(r => r.GetProperty("stream").GetString() == "stderr").Select(r => r.GetProperty("_msg").GetString()));
            }
        }
        finally
        {
            agent.Dispose();
            output.WriteLine(AgentLog);
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

    private static long Time(JsonElement row)
    {
        Assert.True(Vigie.Core.Timestamps.TryParseRfc3339(row.GetProperty("_time").GetString(), out var ns));
        return ns;
    }

    private static async Task<string> RunAsync(LocalDockerDaemon docker, string name, string script, string[] options) =>
        (await docker.RunOkAsync(["run", "-d", "--network=none", "--name", name, .. options, LocalDockerDaemon.Image, "sh", "-c", script])).Trim();
}
