using System.Diagnostics;
using System.Globalization;
using Vigie.DockerBench;

// One Docker source following many containers that write together, against a Docker daemon of its
// own. The source runs in a child process of its own (this program with "follow"), so that its CPU
// and RSS are the source's alone. Two phases: "backlog" (the containers have written everything; the
// source reads it all, as an agent catching up after a restart) and "live" (the containers start
// writing together once the source follows them all). With --agent: the whole agent (the native
// vigie-agent, or vigie agent with --jit, shipping to vigie serve) instead of the source alone;
// --runs N repeats both phases and prints medians; --env NAME=VALUE (repeatable) sets the agent's
// environment (e.g. --env DOTNET_GCgen0size=0x200000); --log-files has the agent read the containers'
// json-file logs directly (VIGIE_DOCKER_LOG_FILES=on) instead of the Engine API's stream.

if (args is ["follow", ..])
{
    return await Follower.RunAsync(args[1..]);
}

var wholeAgent = args.Contains("--agent");
var vigie = wholeAgent ? await AgentRun.BuildAsync() : null;
var nativeAgent = wholeAgent && !args.Contains("--jit") ? await AgentRun.PublishNativeAsync(fresh: !args.Contains("--no-publish")) : null;
var runs = wholeAgent ? Arg("--runs", 1) : 1;
List<KeyValuePair<string, string>> agentEnvironment = [.. args.Select((a, i) => (a, i))
    .Where(p => p.a == "--env" && p.i + 1 < args.Length)
    .Select(p => args[p.i + 1].Split('=', 2))
    .Select(kv => new KeyValuePair<string, string>(kv[0], kv.Length > 1 ? kv[1] : ""))];
if (args.Contains("--log-files"))
{
    // The agent reads the containers' json-file logs directly instead of the Engine API's stream.
    agentEnvironment.Add(new("VIGIE_DOCKER_LOG_FILES", "on"));
}
var results = new List<AgentResult>();
var containers = Arg("--containers", 50);
var linesPerContainer = Arg("--lines", 20_000);
var total = (long)containers * linesPerContainer;

Console.WriteLine($"starting a Docker daemon and {containers} busybox containers writing {linesPerContainer:N0} lines each");
await using var daemon = await Vigie.Testing.Docker.LocalDockerDaemon.StartAsync();
var gate = Directory.CreateTempSubdirectory("vigie-docker-bench-").FullName;
try
{
    var allOk = true;
    for (var run = 1; run <= runs; run++)
    {
        // Phase 1: the lines are all in Docker's logs before the source starts.
        var ids = await StartContainersAsync("backlog", waitForGo: false);
        while (Directory.GetFiles(gate, "done-*").Length < containers)
        {
            await Task.Delay(200);
        }
        var backlog = await FollowAsync(live: false);
        await daemon.RunOkAsync(["rm", "-f", .. ids]);

        // Phase 2: the containers wait for the source to follow them all, then write together.
        ids = await StartContainersAsync("live", waitForGo: true);
        var live = await FollowAsync(live: true);
        await daemon.RunOkAsync(["rm", "-f", .. ids]);

        Console.WriteLine(backlog);
        Console.WriteLine(live);
        allOk &= backlog.Contains(" ok", StringComparison.Ordinal) && live.Contains(" ok", StringComparison.Ordinal);
    }
    if (results.Count > 0)
    {
        Console.WriteLine($"agent: {(nativeAgent is null ? "vigie agent (JIT)" : "vigie-agent (Native AOT)")}, {runs} run(s), environment: {(agentEnvironment.Count == 0 ? "default" : string.Join(' ', agentEnvironment.Select(kv => kv.Key + "=" + kv.Value)))}");
        foreach (var phase in results.GroupBy(r => r.Phase))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median, {phase.Key}: {Median(phase.Select(r => r.LinesPerSecond)):N0} lines/s; {Median(phase.Select(r => r.CpuSeconds / r.Stored * 1e6)):F2} us CPU per line; peak RSS {Median(phase.Select(r => r.PeakRssMb)):F1} MB (max {phase.Max(r => r.PeakRssMb):F1}; anonymous {Median(phase.Select(r => r.AnonPeakMb)):F1} MB)"));
        }
    }
    return allOk ? 0 : 3;
}
finally
{
    Directory.Delete(gate, recursive: true);
}

async Task<List<string>> StartContainersAsync(string phase, bool waitForGo)
{
    // ~110 bytes per line, written as fast as busybox goes (seq into sed: block-buffered writes).
    var wait = waitForGo ? "while [ ! -e /gate/go ]; do usleep 20000; done; " : "";
    var started = await Task.WhenAll(Enumerable.Range(0, containers).Select(async c =>
    {
        var name = $"{phase}-{c}";
        var script = wait + $"seq 1 {linesPerContainer} | sed 's/.*/{name} line & GET \\/api\\/v1\\/items?id=& HTTP\\/1.1 200 512 0.012s \"curl\\/8.0\" req-&/'; touch /gate/done-{c}; sleep 3600";
        return (await daemon.RunOkAsync(["run", "-d", "--network=none", "-v", gate + ":/gate", "--name", name, Vigie.Testing.Docker.LocalDockerDaemon.Image, "sh", "-c", script])).Trim();
    }));
    return [.. started];
}

async Task<string> FollowAsync(bool live)
{
    foreach (var done in Directory.GetFiles(gate))
    {
        File.Delete(done);
    }
    if (vigie is not null)
    {
        var agentResult = await AgentRun.RunAsync(vigie, nativeAgent, agentEnvironment, daemon.Host, total, containers, live, () => File.WriteAllTextAsync(Path.Combine(gate, "go"), ""));
        results.Add(agentResult);
        return agentResult.ToString();
    }
    var info = new ProcessStartInfo("dotnet")
    {
        ArgumentList = { typeof(Follower).Assembly.Location, "follow", daemon.Host, total.ToString(CultureInfo.InvariantCulture), containers.ToString(CultureInfo.InvariantCulture), live ? "live" : "backlog" },
        RedirectStandardOutput = true,
    };
    using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the follower");
    if (live)
    {
        var ready = await child.StandardOutput.ReadLineAsync();
        if (ready != "ready")
        {
            throw new InvalidOperationException("the follower did not get ready: " + ready);
        }
        await File.WriteAllTextAsync(Path.Combine(gate, "go"), "");
    }
    var result = await child.StandardOutput.ReadToEndAsync();
    await child.WaitForExitAsync();
    return result.Trim();
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

int Arg(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
