using System.Text;

namespace Vigie.EndToEnd.Tests;

/// <summary>A <c>vigie agent</c> child process; stopped by its PID (SIGTERM or SIGKILL).</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly ChildProcess _process;

    private AgentProcess(ChildProcess process) => _process = process;

    public static AgentProcess Start(CliBuild cli, StringBuilder log, params string[] args) =>
        new(ChildProcess.Start("dotnet", [cli.Dll, "agent", .. args], output: log));

    /// <summary>Starts the native <c>vigie-agent</c> executable at <paramref name="executable"/>.</summary>
    public static AgentProcess StartNative(string executable, StringBuilder log, params string[] args) =>
        new(ChildProcess.Start(executable, args, output: log));

    public int Pid => _process.Id;

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public Task<int> StopAsync() => _process.StopAsync();

    /// <summary>SIGKILL: nothing of the agent's shutdown runs.</summary>
    public void KillHard() => _process.KillHard();

    public void Dispose() => _process.Dispose();
}
