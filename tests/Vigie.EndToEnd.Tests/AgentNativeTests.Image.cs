using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Vigie.Core;
using Vigie.Testing.Docker;

namespace Vigie.EndToEnd.Tests;

/// <summary>
/// The agent's container image (deploy/agent/Dockerfile.prebuilt, from the executable the class fixture
/// publishes) built by a real Docker daemon on a base equivalent to runtime-deps, and run the way
/// docs/agent.md says: the Docker socket mounted read-only, a named volume for its data, the server's
/// URL in VIGIE_SERVER. It follows a compose-labelled container; <c>docker stop</c> ends it with 0 and
/// leaves its positions in the volume, so a new container on that volume neither repeats nor skips a line.
/// </summary>
public sealed partial class AgentNativeTests
{
    private const string AgentImage = "vigie-agent:test";
    private const string BaseImage = "vigie-runtime-deps:test";
    private const string AgentContainer = "vigie-agent";
    private const string DataVolume = "vigie-agent-data";
    private const string ImageHost = "image-host";
    private const string WebContainer = "shop-web-1";
    private const int RunLines = 100;

    /// <summary>Each run counts itself in the container's file system; every 4th line is also on stderr, 2 ms apart (distinct timestamps).</summary>
    private static string WebScript =>
        "n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; i=1; " +
        $"while [ $i -le {RunLines} ]; do echo web run $n line $i; [ $((i % 4)) = 0 ] && echo web run $n err $i >&2; i=$((i+1)); usleep 2000; done";

    private static int LinesPerRun => RunLines + RunLines / 4;

    [Fact]
    public async Task AgentImage_RunAsDocumented_FollowsContainers_StopsCleanly_KeepsPositionsInItsVolume()
    {
        var clock = Stopwatch.StartNew();
        var docker = await LocalDockerDaemon.StartAsync();
        await using var stop = new StopDaemon(docker);
        await RuntimeDepsImage.ImportAsync(docker, native.Executable, BaseImage);
        var dockerfile = Path.Combine(CliBuild.FindRepoRoot(), "deploy", "agent", "Dockerfile.prebuilt");
        await docker.BuildAsync(dockerfile, native.Directory, AgentImage, [$"RUNTIME_BASE={BaseImage}"]);
        output.WriteLine($"daemon started, base imported, agent image built: {clock.Elapsed.TotalSeconds:F1} s");

        using var server = await VigieProcess.StartAsync(cli, Path.Combine(_work, "image-server"));
        var listen = VigieProcess.FreePort();
        // As docs/agent.md runs it, but on the host's network instead of publishing 9881 with -p: this
        // daemon runs with --bridge=none, so it has no bridge network to publish from, and only the host's
        // network reaches the server the test started on the host's loopback. /healthz goes on a free
        // loopback port (the image's default 0.0.0.0:9881 would be the host's port 9881 here).
        string[] runAgent =
        [
            "run", "-d", "--name", AgentContainer, "--restart", "unless-stopped", "--network=host",
            "-v", $"{docker.SocketPath}:/var/run/docker.sock:ro",
            "-v", $"{DataVolume}:/var/lib/vigie-agent",
            "-e", $"VIGIE_SERVER={server.Address}",
            "-e", $"VIGIE_HOSTNAME={ImageHost}",
            "-e", $"VIGIE_AGENT_LISTEN=127.0.0.1:{listen}",
            "-e", "VIGIE_BATCH_WAIT=100ms",
            "--label", "vigie.enable=false",
            AgentImage,
        ];
        try
        {
            await docker.RunOkAsync(runAgent);
            await WaitHealthyAsync(docker, listen);

            await docker.RunOkAsync(["run", "-d", "--network=none", "--name", WebContainer,
                "--label", "com.docker.compose.project=shop", "--label", "com.docker.compose.service=web",
                LocalDockerDaemon.Image, "sh", "-c", WebScript]);
            AssertRuns(await StoredAsync(server, LinesPerRun), runs: 1);

            using (var http = new HttpClient())
            {
                var metrics = await http.GetStringAsync($"http://127.0.0.1:{listen}/metrics");
                Assert.Contains($"vigie_agent_lines_read_total{{source=\"docker\"}} {LinesPerRun}\n", metrics, StringComparison.Ordinal);
            }

            // docker stop: SIGTERM to the agent (PID 1 of its container), which exits on its own with 0.
            await StopAgentAsync(docker);
            var volume = (await docker.RunOkAsync(["volume", "inspect", "-f", "{{.Mountpoint}}", DataVolume])).Trim();
            var agentId = (await File.ReadAllTextAsync(Path.Combine(volume, "agent-id"))).Trim();
            Assert.True(File.Exists(Path.Combine(volume, "buffer", "checkpoint")), "no checkpoint of positions in the volume");

            // The container runs again while no agent runs; then a new agent container (an upgrade) on the same volume.
            await docker.RunOkAsync(["wait", WebContainer]);
            await docker.RunOkAsync(["start", WebContainer]);
            await docker.RunOkAsync(["wait", WebContainer]);
            output.WriteLine(await AgentLogAsync(docker));
            await docker.RunOkAsync(["rm", AgentContainer]);
            await docker.RunOkAsync(runAgent);
            await WaitHealthyAsync(docker, listen);
            AssertRuns(await StoredAsync(server, 2 * LinesPerRun), runs: 2);
            Assert.Contains($"agent {agentId} on host {ImageHost}", await AgentLogAsync(docker), StringComparison.Ordinal);
            await StopAgentAsync(docker);

            await AssertOpensTlsAsync(docker);
            output.WriteLine($"done after {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            output.WriteLine(await AgentLogAsync(docker));
        }
    }

    /// <summary>
    /// The image's base carries what the executable opens at run time for https:// (OpenSSL): an agent
    /// pointed at an https:// URL sends a TLS handshake (a record of type 22, version 3.x) to it.
    /// </summary>
    private async Task AssertOpensTlsAsync(LocalDockerDaemon docker)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await docker.RunOkAsync(["run", "-d", "--name", "vigie-agent-tls", "--network=host", "-v", $"{docker.SocketPath}:/var/run/docker.sock:ro",
            "-e", $"VIGIE_SERVER=https://127.0.0.1:{port}", "-e", "VIGIE_AGENT_LISTEN=off", "--label", "vigie.enable=false", AgentImage]);
        // A line for it to send: it follows containers started after it.
        await Task.Delay(500);
        await docker.RunOkAsync(["run", "-d", "--network=none", LocalDockerDaemon.Image, "echo", "tls probe"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var hello = new byte[3];
        await client.GetStream().ReadExactlyAsync(hello, timeout.Token);
        Assert.Equal((byte)22, hello[0]);
        Assert.Equal((byte)3, hello[1]);
        await docker.RunOkAsync(["rm", "-f", "vigie-agent-tls"]);
    }

    private static async Task WaitHealthyAsync(LocalDockerDaemon docker, int listen)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var health = await http.GetAsync($"http://127.0.0.1:{listen}/healthz");
                if (health.StatusCode == HttpStatusCode.OK && (await health.Content.ReadAsStringAsync()).Trim() == "ok")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            var running = (await docker.RunOkAsync(["inspect", "-f", "{{.State.Running}}", AgentContainer])).Trim();
            Assert.True(running == "true", "the agent's container stopped:\n" + await AgentLogAsync(docker));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the agent's /healthz does not answer:\n" + await AgentLogAsync(docker));
            await Task.Delay(100);
        }
    }

    private static async Task StopAgentAsync(LocalDockerDaemon docker)
    {
        await docker.RunOkAsync(["stop", "-t", "30", AgentContainer], TimeSpan.FromSeconds(40));
        var exit = (await docker.RunOkAsync(["inspect", "-f", "{{.State.ExitCode}}", AgentContainer])).Trim();
        Assert.True(exit == "0", $"the agent's container exited with {exit}:\n" + await AgentLogAsync(docker));
    }

    private static async Task<string> AgentLogAsync(LocalDockerDaemon docker)
    {
        var (_, stdout, stderr) = await docker.RunAsync(["logs", AgentContainer]);
        return stdout + stderr;
    }

    /// <summary>The lines of the test's host once <paramref name="expected"/> are there, asked again a second later: anything sent twice would be there by then.</summary>
    private static async Task<List<JsonElement>> StoredAsync(VigieProcess server, int expected)
    {
        const string query = $"host:{ImageHost} | limit 100000";
        var rows = await server.QueryUntilAsync(query, r => r.Count >= expected, TimeSpan.FromSeconds(30));
        Assert.True(rows.Count >= expected, $"expected {expected} lines, the server has {rows.Count}");
        await Task.Delay(1000);
        return await server.QueryAsync(query);
    }

    /// <summary>Runs 1..<paramref name="runs"/> of the web container, each line once, in order per stream, with its container's metadata.</summary>
    private static void AssertRuns(List<JsonElement> rows, int runs)
    {
        Assert.Equal(runs * LinesPerRun, rows.Count);
        var lines = rows.Select(ImageLine.From).OrderBy(l => l.TimeNs).ToList();
        Assert.All(lines, l => Assert.Equal((ImageHost, WebContainer, LocalDockerDaemon.Image, "shop", "web"), (l.Host, l.Container, l.Image, l.Project, l.Service)));
        Assert.Equal(
            from run in Enumerable.Range(1, runs) from i in Enumerable.Range(1, RunLines) select $"web run {run} line {i}",
            lines.Where(l => l.Stream == "stdout").Select(l => l.Message));
        Assert.Equal(
            from run in Enumerable.Range(1, runs) from i in Enumerable.Range(1, RunLines) where i % 4 == 0 select $"web run {run} err {i}",
            lines.Where(l => l.Stream == "stderr").Select(l => l.Message));
    }

    /// <summary>
    /// Stops the daemon, then removes what its own clean-up leaves of host networking: dockerd mounts a
    /// network namespace at exec/netns/default under its root for the first container on the host's
    /// network, and leaves it mounted when it stops.
    /// </summary>
    private sealed class StopDaemon(LocalDockerDaemon docker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await docker.DisposeAsync();
            var root = Path.GetDirectoryName(docker.SocketPath)!;
            var netns = Path.Combine(root, "exec", "netns", "default");
            if ((await File.ReadAllTextAsync("/proc/self/mountinfo")).Contains(" " + netns + " ", StringComparison.Ordinal))
            {
                await ProcessRunner.RunAsync("umount", [netns], TimeSpan.FromSeconds(30));
            }
            if (Directory.Exists(root))
            {
                await ProcessRunner.RunAsync("rm", ["-rf", root], TimeSpan.FromSeconds(60));
            }
        }
    }

    private sealed record ImageLine(string? Host, string? Container, string? Image, string? Project, string? Service, string? Stream, string Message, long TimeNs)
    {
        public static ImageLine From(JsonElement row)
        {
            Assert.True(Timestamps.TryParseRfc3339(row.GetProperty("_time").GetString(), out var ns));
            return new ImageLine(Field(row, "host"), Field(row, "container"), Field(row, "image"), Field(row, "project"), Field(row, "service"),
                Field(row, "stream"), row.GetProperty("_msg").GetString()!, ns);
        }

        private static string? Field(JsonElement row, string name) => row.TryGetProperty(name, out var value) ? value.GetString() : null;
    }
}
