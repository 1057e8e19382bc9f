using System.Diagnostics;
using System.Globalization;

namespace Vigie.Testing.Docker;

/// <summary>
/// A real Docker daemon of its own (Debian's docker.io) in a temporary directory, with a busybox image
/// built offline (no registry needed); stopped by its PID.
/// </summary>
public sealed class LocalDockerDaemon : IAsyncDisposable
{
    public const string Image = "vigie-busybox:test";

    private readonly string _root = Directory.CreateTempSubdirectory("vigie-docker-").FullName;
    private Process? _dockerd;

    private LocalDockerDaemon()
    {
    }

    /// <summary>The daemon's address, as <c>docker -H</c> and the agent's <c>--docker-host</c> take it.</summary>
    public string Host => "unix://" + SocketPath;

    public string SocketPath => Path.Combine(_root, "docker.sock");

    /// <summary>Starts the daemon, waits until it answers and imports <see cref="Image"/>.</summary>
    public static async Task<LocalDockerDaemon> StartAsync()
    {
        var daemon = new LocalDockerDaemon();
        try
        {
            await daemon.StartDaemonAsync().ConfigureAwait(false);
            await daemon.BuildImageAsync().ConfigureAwait(false);
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the daemon (SIGTERM, as an administrator restarting it would) and starts it again, after <paramref name="downFor"/>.</summary>
    public async Task RestartAsync(TimeSpan downFor = default)
    {
        await StopDaemonAsync().ConfigureAwait(false);
        await Task.Delay(downFor).ConfigureAwait(false);
        await StartDaemonAsync().ConfigureAwait(false);
    }

    private async Task StartDaemonAsync()
    {
        var info = new ProcessStartInfo("dockerd")
        {
            ArgumentList =
            {
                "--data-root", Path.Combine(_root, "data"), "--exec-root", Path.Combine(_root, "exec"), "-H", Host,
                "--pidfile", Path.Combine(_root, "docker.pid"), "--storage-driver=vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            _dockerd = Process.Start(info) ?? throw new InvalidOperationException("dockerd did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("dockerd is not installed (run scripts/install-test-deps.sh as root): " + e.Message, e);
        }
        _dockerd.OutputDataReceived += (_, _) => { };
        _dockerd.ErrorDataReceived += (_, _) => { };
        _dockerd.BeginOutputReadLine();
        _dockerd.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (exit, _, error) = await RunAsync(["version"], TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (exit == 0)
            {
                return;
            }
            if (_dockerd.HasExited || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException("dockerd is not ready: " + error);
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>An image of busybox-static and one link per applet, imported from a tar.</summary>
    private async Task BuildImageAsync()
    {
        var rootfs = Path.Combine(_root, "rootfs");
        var bin = Directory.CreateDirectory(Path.Combine(rootfs, "bin")).FullName;
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        var applets = await ProcessRunner.RunOkAsync("/bin/busybox", ["--list"]).ConfigureAwait(false);
        foreach (var applet in applets.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
            }
        }
        var tar = Path.Combine(_root, "rootfs.tar");
        await ProcessRunner.RunOkAsync("tar", ["-C", rootfs, "-cf", tar, "."]).ConfigureAwait(false);
        await RunOkAsync(["import", "-c", "CMD [\"/bin/sh\"]", tar, Image]).ConfigureAwait(false);
    }

    /// <summary>Runs the docker CLI against this daemon and returns its output; throws unless it exits with 0.</summary>
    public Task<string> RunOkAsync(IEnumerable<string> args, TimeSpan? timeout = null) =>
        ProcessRunner.RunOkAsync("docker", ["-H", Host, .. args], CliEnvironment, timeout);

    public Task<(int Exit, string Out, string Err)> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("docker", ["-H", Host, .. args], CliEnvironment, timeout);

    /// <summary>
    /// <c>docker build</c> with the classic builder (<c>DOCKER_BUILDKIT=0</c>): BuildKit needs the buildx
    /// plugin, and the classic builder takes the images of <c>FROM</c> from this daemon's own store
    /// without asking a registry. <paramref name="buildArgs"/> are <c>NAME=value</c>.
    /// </summary>
    public Task<string> BuildAsync(string dockerfile, string context, string tag, IEnumerable<string> buildArgs, TimeSpan? timeout = null) =>
        ProcessRunner.RunOkAsync(
            "docker",
            ["-H", Host, "build", "-f", dockerfile, "-t", tag, .. buildArgs.SelectMany(a => new[] { "--build-arg", a }), context],
            new Dictionary<string, string>(CliEnvironment) { ["DOCKER_BUILDKIT"] = "0" },
            timeout ?? TimeSpan.FromMinutes(2));

    private Dictionary<string, string> CliEnvironment => new() { ["DOCKER_CONFIG"] = Path.Combine(_root, "cli") };

    private async Task StopDaemonAsync()
    {
        if (_dockerd is null)
        {
            return;
        }
        if (!_dockerd.HasExited)
        {
            // SIGTERM, so that dockerd unmounts the bind mount it makes of its data root.
            await ProcessRunner.RunAsync("kill", ["-TERM", _dockerd.Id.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _dockerd.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _dockerd.Kill();
                await _dockerd.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        _dockerd.Dispose();
        _dockerd = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopDaemonAsync().ConfigureAwait(false);
        var data = Path.Combine(_root, "data");
        if (File.ReadAllText("/proc/self/mountinfo").Contains(" " + data + " ", StringComparison.Ordinal))
        {
            await ProcessRunner.RunAsync("umount", [data]).ConfigureAwait(false);
        }
        // Images under vfs are plain directories; some are read-only for the owner.
        await ProcessRunner.RunAsync("rm", ["-rf", _root]).ConfigureAwait(false);
    }
}
