using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace Vigie.DockerBench;

/// <summary>
/// The whole agent instead of the source alone: <c>vigie serve</c> (the repository's build, through
/// <c>./vigie</c>) and the agent as child processes: the native <c>vigie-agent</c> executable
/// (published ahead of time into <c>.build/agent-aot</c>), or <c>vigie agent</c> with <c>--jit</c>.
/// Lines/s counted as stored by the server, CPU and peak RSS of the agent process.
/// </summary>
internal static class AgentRun
{
    private static readonly string[] OwnPortsOff =
        ["--syslog-udp", "off", "--syslog-tcp", "off", "--gelf-udp", "off", "--gelf-tcp", "off", "--fluent", "off", "--otlp-grpc", "off"];

    /// <summary>Builds the CLI with the launcher and returns the path of <c>vigie.dll</c>.</summary>
    public static async Task<string> BuildAsync()
    {
        var repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "Vigie.slnx")))
        {
            repo = Path.GetDirectoryName(repo.TrimEnd('/')) ?? throw new InvalidOperationException("run me from inside the Vigie repository");
        }
        using var build = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { Path.Combine(repo, "vigie"), "version" } })!;
        await build.WaitForExitAsync();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("./vigie version failed");
        }
        return Path.Combine(repo, ".build", "vigie.dll");
    }

    /// <summary>Publishes <c>vigie-agent</c> (Native AOT) into <c>.build/agent-aot</c> and returns its path.</summary>
    /// <param name="fresh">False: the executable published there before, if any.</param>
    public static async Task<string> PublishNativeAsync(bool fresh = true)
    {
        var repo = Path.GetDirectoryName(Path.GetDirectoryName(await BuildAsync())!)!;
        var output = Path.Combine(repo, ".build", "agent-aot");
        if (!fresh && File.Exists(Path.Combine(output, "vigie-agent")))
        {
            return Path.Combine(output, "vigie-agent");
        }
        Console.WriteLine("publishing vigie-agent (Native AOT) into " + output);
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(repo, "src", "Vigie.Agent.Host"), "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo", "-v", "q" },
        };
        using var publish = Process.Start(info)!;
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet publish of src/Vigie.Agent.Host failed");
        }
        return Path.Combine(output, "vigie-agent");
    }

    /// <param name="vigie">The vigie command's <c>vigie.dll</c> (the server, and the agent when <paramref name="nativeAgent"/> is null).</param>
    /// <param name="nativeAgent">The <c>vigie-agent</c> executable, or null for <c>vigie agent</c>.</param>
    /// <param name="agentEnvironment">Extra environment of the agent (GC settings to compare).</param>
    public static async Task<AgentResult> RunAsync(string vigie, string? nativeAgent, IReadOnlyList<KeyValuePair<string, string>> agentEnvironment,
        string dockerHost, long total, int containers, bool live, Func<Task> go)
    {
        var serverData = Directory.CreateTempSubdirectory("vigie-docker-bench-server-").FullName;
        var agentData = Directory.CreateTempSubdirectory("vigie-docker-bench-agent-").FullName;
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var server = Start("dotnet", [vigie, "serve", "--data", serverData, "--listen", $"127.0.0.1:{port}", .. OwnPortsOff], [], _ => { });
        Process? agent = null;
        try
        {
            while (true)
            {
                try
                {
                    using var health = await http.GetAsync("/healthz");
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(100);
            }
            var following = 0;
            string[] agentArgs = ["--server", http.BaseAddress!.ToString(), "--docker-host", dockerHost, "--data", agentData, "--listen", "off", "--hostname", "bench"];
            agent = nativeAgent is null
                ? Start("dotnet", [vigie, "agent", .. agentArgs], agentEnvironment, OnAgentLine)
                : Start(nativeAgent, agentArgs, agentEnvironment, OnAgentLine);
            void OnAgentLine(string line)
                {
                    if (line.Contains("following container", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref following);
                    }
                }
            var clock = Stopwatch.StartNew();
            var cpuBefore = CpuSeconds(agent.Id);
            if (live)
            {
                while (Volatile.Read(ref following) < containers)
                {
                    await Task.Delay(20);
                }
                await Task.Delay(500);
                cpuBefore = CpuSeconds(agent.Id);
                await go();
                clock.Restart();
            }
            long stored = 0;
            long anonPeak = 0;
            long threadsPeak = 0;
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
            while (stored < total && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
                anonPeak = Math.Max(anonPeak, Status(agent.Id, "RssAnon"));
                threadsPeak = Math.Max(threadsPeak, Status(agent.Id, "Threads"));
                stored = await CountAsync(http);
            }
            var elapsed = clock.Elapsed;
            var cpu = CpuSeconds(agent.Id) - cpuBefore;
            var peak = Status(agent.Id, "VmHWM");
            var file = Status(agent.Id, "RssFile");
            // A line stored twice would show up by now.
            await Task.Delay(2000);
            stored = await CountAsync(http);
            return new AgentResult(live ? "live" : "backlog", stored, total, elapsed.TotalSeconds, cpu, peak / 1024.0) { AnonPeakMb = anonPeak / 1024.0, FileMb = file / 1024.0, ThreadsPeak = threadsPeak };
        }
        finally
        {
            foreach (var process in new[] { agent, server })
            {
                if (process is { HasExited: false })
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }
            }
            agent?.Dispose();
            Directory.Delete(serverData, recursive: true);
            Directory.Delete(agentData, recursive: true);
        }
    }

    private static Process Start(string program, string[] args, IReadOnlyList<KeyValuePair<string, string>> environment, Action<string> onLine)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + program);
        process.OutputDataReceived += (_, e) => onLine(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => onLine(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<long> CountAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/api/v1/query?q=" + Uri.EscapeDataString("host:bench | stats count()"));
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return line is null ? 0 : JsonDocument.Parse(line).RootElement.GetProperty("count()").GetInt64();
    }

    /// <summary>User and system CPU of a process, from /proc (clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static long Status(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd(" kB"), CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
