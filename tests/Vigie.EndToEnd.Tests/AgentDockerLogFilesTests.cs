using System.Diagnostics;
using System.Globalization;
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
            Assert.True(rows.Count == total, $"expected {total} lines, the server has {rows.Count}\n{Differences(rows)}\n{await FileListingAsync(docker, [json, local])}\nagent log:\n{AgentLog}");
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

    /// <summary>Per container and stream, which numbers are missing or stored more than once (as ranges).</summary>
    private static string Differences(List<JsonElement> rows)
    {
        var text = new StringBuilder();
        foreach (var name in new[] { "json", "local" })
        {
            foreach (var (stream, expected, prefix) in new[]
            {
                ("stdout", Enumerable.Range(1, Lines), "line "),
                ("stderr", Enumerable.Range(1, Lines).Where(i => i % 10 == 0), "err "),
            })
            {
                var counts = rows.Where(r => r.GetProperty("container").GetString() == name && r.GetProperty("stream").GetString() == stream)
                    .Select(r => r.GetProperty("_msg").GetString() ?? "")
                    .Where(m => m.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(m => int.Parse(m[prefix.Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
                    .GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
                var missing = expected.Where(n => !counts.ContainsKey(n)).ToList();
                var twice = counts.Where(c => c.Value > 1).Select(c => c.Key).Order().ToList();
                text.Append(CultureInfo.InvariantCulture, $"{name} {stream}: {counts.Count} distinct, missing {missing.Count} [{Ranges(missing)}], more than once {twice.Count} [{Ranges(twice)}]\n");
            }
        }
        return text.ToString();
    }

    private static string Ranges(List<int> numbers)
    {
        var parts = new List<string>();
        for (var i = 0; i < numbers.Count;)
        {
            var j = i;
            while (j + 1 < numbers.Count && numbers[j + 1] - numbers[j] <= 10)
            {
                j++;
            }
            parts.Add(i == j ? $"{numbers[i]}" : $"{numbers[i]}..{numbers[j]} ({j - i + 1})");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }

    /// <summary>The containers' log files as Docker keeps them (names, sizes): to tell a loss of Docker's from the agent's.</summary>
    private static async Task<string> FileListingAsync(LocalDockerDaemon docker, string[] ids)
    {
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            try
            {
                // The local driver's files are not in LogPath but under the container's directory.
                var directory = Path.GetDirectoryName((await docker.RunOkAsync(["inspect", "--format", "{{.HostnamePath}}", id])).Trim())!;
                text.Append(CultureInfo.InvariantCulture, $"{id[..12]} log files:");
                foreach (var file in Directory.EnumerateFiles(directory, "*.log*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    text.Append(CultureInfo.InvariantCulture, $" {Path.GetRelativePath(directory, file)}={new FileInfo(file).Length}");
                }
                text.Append('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                text.Append(CultureInfo.InvariantCulture, $"{id[..12]}: {e.Message}\n");
            }
        }
        return text.ToString();
    }

    private static long Time(JsonElement row)
    {
        Assert.True(Vigie.Core.Timestamps.TryParseRfc3339(row.GetProperty("_time").GetString(), out var ns));
        return ns;
    }

    private static async Task<string> RunAsync(LocalDockerDaemon docker, string name, string script, string[] options) =>
        (await docker.RunOkAsync(["run", "-d", "--network=none", "--name", name, .. options, LocalDockerDaemon.Image, "sh", "-c", script])).Trim();
}
