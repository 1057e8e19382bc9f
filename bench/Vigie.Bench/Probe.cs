using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vigie.Bench;

/// <summary>Reads a child process's memory and CPU time from /proc.</summary>
internal static class Probe
{
    private const double ClockTicksPerSecond = 100.0;

    /// <summary>(VmRSS, VmHWM) in bytes, or zeros once the process is gone.</summary>
    public static (long Rss, long Hwm) Memory(int pid)
    {
        long rss = 0, hwm = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kb(line);
                }
            }
        }
        catch (IOException)
        {
        }
        return (rss, hwm);
    }

    /// <summary>
    /// The resident set by kind, in bytes, read from /proc/PID/status and /proc/PID/smaps: anonymous
    /// memory (the managed heap among it), mapped files, shared memory (the runtime's double-mapped
    /// code), and of the files' pages those another process maps too (the kernel does not reclaim
    /// them for this one: other .NET processes, the benchmark's own client among them, map the same
    /// runtime files). Zeros once the process is gone.
    /// </summary>
    public static RssByKind MemoryByKind(int pid)
    {
        long rss = 0, anon = 0, file = 0, shmem = 0, fileShared = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = Kb(line);
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = Kb(line);
                }
                else if (line.StartsWith("RssShmem:", StringComparison.Ordinal))
                {
                    shmem = Kb(line);
                }
            }
            var inFile = false;
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                var head = line.AsSpan(0, Math.Max(0, line.IndexOf(' ', StringComparison.Ordinal)));
                if (head.Length > 0 && head[^1] != ':')
                {
                    // "start-end perms offset dev inode [path]": a file's path begins with '/' (the
                    // double-mapped code's shared memory is "/memfd:doublemapper (deleted)").
                    var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    inFile = fields.Length == 6 && fields[5].StartsWith('/')
                        && !fields[5].StartsWith("/dev/", StringComparison.Ordinal) && !fields[5].StartsWith("/memfd:", StringComparison.Ordinal);
                }
                else if (inFile && (line.StartsWith("Shared_Clean:", StringComparison.Ordinal) || line.StartsWith("Shared_Dirty:", StringComparison.Ordinal)))
                {
                    fileShared += Kb(line);
                }
            }
        }
        catch (IOException)
        {
        }
        return new RssByKind(rss, anon, file, shmem, fileShared);
    }

    private static long Kb(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>User + system CPU seconds the process has used so far.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may contain spaces; fields are counted after its closing parenthesis.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var utime = long.Parse(rest[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(rest[12], CultureInfo.InvariantCulture);
            return (utime + stime) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static long DirectoryBytes(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return 0;
        }
        long total = 0;
        foreach (var f in new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            try
            {
                total += f.Length;
            }
            catch (IOException)
            {
                // merged away while we walked
            }
        }
        return total;
    }

    public static int SigTerm(int pid) => NativeMethods.Kill(pid, 15);

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int sig);
    }
}

/// <summary>A process's resident set by kind, in bytes (see <see cref="Probe.MemoryByKind"/>).</summary>
internal readonly record struct RssByKind(long Rss, long Anonymous, long Files, long SharedMemory, long FilesSharedWithOthers)
{
    public override string ToString() =>
        $"anonymous {Anonymous / 1e6:0.0} MB, files {Files / 1e6:0.0} MB (of which {FilesSharedWithOthers / 1e6:0.0} MB mapped by other processes too), shared memory {SharedMemory / 1e6:0.0} MB";
}

/// <summary>Samples a process's resident memory in the background; keeps the peak.</summary>
internal sealed class RssSampler : IDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public RssSampler(int pid)
    {
        _pid = pid;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var (rss, _) = Probe.Memory(_pid);
                if (rss > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, rss);
                }
                try
                {
                    await Task.Delay(100, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    public long Peak => Interlocked.Read(ref _peak);

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait();
        _stop.Dispose();
    }
}
