using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigie.Testing;

/// <summary>
/// A real program run beside a test (a server, an agent, a shipper): its output kept for failure
/// messages, stopped by its own PID, never by name.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ChildProcess(Process process, StringBuilder output)
    {
        _process = process;
        _output = output;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What it printed so far, standard output and error as their lines came.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="output">Where its lines go: a test that restarts a program can keep one log of every run.</param>
    public static ChildProcess Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, StringBuilder? output = null)
    {
        if (file.Contains('/', StringComparison.Ordinal) && !File.Exists(file))
        {
            throw new InvalidOperationException($"{file} is missing: run scripts/install-test-deps.sh");
        }
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var child = new ChildProcess(process, output ?? new StringBuilder());
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public static ChildProcess Start(string file, params string[] args) => Start(file, (IEnumerable<string>)args);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    /// <summary>Sends a signal, e.g. 1 (SIGHUP) for a program that reads its configuration again on it.</summary>
    public void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public Task<int> StopAsync()
    {
        const int sigterm = 15;
        Signal(sigterm);
        return WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGKILL: none of the program's shutdown code runs.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
