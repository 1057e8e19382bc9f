using System.Collections;
using System.Runtime.InteropServices;

namespace Vigie.Agent.Host;

/// <summary>
/// Gives the garbage collector a small first generation unless the environment already chose one.
/// </summary>
/// <remarks>
/// The collector sizes its first generation (how much is allocated between two collections) after the
/// CPU's cache: on a server with a large L3 cache that is tens of MB, most of the agent's peak memory
/// although it keeps little alive. The native runtime reads that setting only from the environment
/// (<c>DOTNET_GCgen0size</c>, hexadecimal; no build-time option reaches it), so the agent sets it and
/// executes itself again, once, before anything else runs: same process id, same arguments.
/// </remarks>
internal static partial class GcSettings
{
    public const string Variable = "DOTNET_GCgen0size";

    /// <summary>2 MiB, in hexadecimal as the runtime reads it: measured to halve the peak at the same CPU (docs/performance/agent.md).</summary>
    public const string SmallGen0 = "200000";

    /// <summary>Executes the agent again with <see cref="SmallGen0"/> when the variable is not set; returns only when it was, or when that fails.</summary>
    public static void EnsureSmallGen0(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null || Environment.ProcessPath is not { } self)
        {
            return;
        }
        var environment = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{entry.Key}={entry.Value}");
        }
        environment.Add($"{Variable}={SmallGen0}");
        var argv = ToNative([self, .. args]);
        var envp = ToNative(environment);
        // Only returns on failure: the agent then goes on with the runtime's default.
        _ = Execve(self, argv, envp);
    }

    private static nint[] ToNative(IReadOnlyList<string> strings)
    {
        var native = new nint[strings.Count + 1];
        for (var i = 0; i < strings.Count; i++)
        {
            native[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
        }
        return native;
    }

    [LibraryImport("libc", EntryPoint = "execve", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Execve(string path, nint[] argv, nint[] envp);
}
