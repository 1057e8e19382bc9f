using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigie.EndToEnd.Tests;

/// <summary>A <c>vigie agent</c> child process; stopped by its PID (SIGTERM or SIGKILL).</summary>
internal sealed partial class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;

    private AgentProcess(Process process, StringBuilder log)
    {
        _process = process;
        _log = log;
    }

    public static AgentProcess Start(CliBuild cli, StringBuilder log, params string[] args) =>
        Start("dotnet", [cli.Dll, "agent", .. args], log);

    /// <summary>Starts the native <c>vigie-agent</c> executable at <paramref name="executable"/>.</summary>
    public static AgentProcess StartNative(string executable, StringBuilder log, params string[] args) =>
        Start(executable, args, log);

    public int Pid => _process.Id;

    private static AgentProcess Start(string file, IEnumerable<string> arguments, StringBuilder log)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start vigie agent");
        var agent = new AgentProcess(process, log);
        process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        const int sigterm = 15;
        Assert.Equal(0, SendSignal(_process.Id, sigterm));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: nothing of the agent's shutdown runs.</summary>
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
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
