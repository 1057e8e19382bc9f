using System.Diagnostics;

namespace Vigie.Shippers.Tests;

/// <summary>
/// A real Docker daemon of its own (Debian's docker.io), started once for the docker tests, with a
/// busybox image built offline; stopped by its PID.
/// </summary>
public sealed class DockerDaemon : IAsyncLifetime
{
    public const string Image = "vigie-busybox:test";

    private readonly string _root = Directory.CreateTempSubdirectory("vigie-docker-").FullName;
    private Process? _dockerd;

    public string Host => "unix://" + Path.Combine(_root, "docker.sock");

    public async Task InitializeAsync()
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
        _dockerd = Process.Start(info) ?? throw new InvalidOperationException("dockerd did not start");
        _dockerd.OutputDataReceived += (_, _) => { };
        _dockerd.ErrorDataReceived += (_, _) => { };
        _dockerd.BeginOutputReadLine();
        _dockerd.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (exit, _, error) = await Tool.RunAsync("docker", ["-H", Host, "version"], timeout: TimeSpan.FromSeconds(10));
            if (exit == 0)
            {
                break;
            }
            if (_dockerd.HasExited || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException("dockerd is not ready: " + error);
            }
            await Task.Delay(100);
        }
        await BuildImageAsync();
    }

    /// <summary>An image of busybox-static and one link per applet, imported from a tar (no registry needed).</summary>
    private async Task BuildImageAsync()
    {
        var rootfs = Path.Combine(_root, "rootfs");
        var bin = Directory.CreateDirectory(Path.Combine(rootfs, "bin")).FullName;
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        var applets = await Tool.RunOkAsync("/bin/busybox", ["--list"]);
        foreach (var applet in applets.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
            }
        }
        var tar = Path.Combine(_root, "rootfs.tar");
        await Tool.RunOkAsync("tar", ["-C", rootfs, "-cf", tar, "."]);
        await RunOkAsync(["import", "-c", "CMD [\"/bin/sh\"]", tar, Image]);
    }

    public Task<string> RunOkAsync(IEnumerable<string> args) => Tool.RunOkAsync("docker", ["-H", Host, .. args], env: new Dictionary<string, string> { ["DOCKER_CONFIG"] = Path.Combine(_root, "cli") });

    public async Task DisposeAsync()
    {
        if (_dockerd is not null)
        {
            if (!_dockerd.HasExited)
            {
                // SIGTERM, so that dockerd unmounts the bind mount it makes of its data root.
                await Tool.RunAsync("kill", ["-TERM", _dockerd.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _dockerd.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    _dockerd.Kill();
                    await _dockerd.WaitForExitAsync();
                }
            }
            _dockerd.Dispose();
        }
        var data = Path.Combine(_root, "data");
        if (File.ReadAllText("/proc/self/mountinfo").Contains(" " + data + " ", StringComparison.Ordinal))
        {
            await Tool.RunAsync("umount", [data]);
        }
        // Images under vfs are plain directories; some are read-only for the owner.
        await Tool.RunAsync("rm", ["-rf", _root]);
    }
}
