using System.Runtime.InteropServices;

namespace Vigie.Core.Io;

/// <summary>
/// Gives the C library's free heap memory back to the machine. Native allocations (zstd's contexts,
/// the runtime's own) are freed into glibc's per-thread arenas, which keep them mapped: after a burst
/// of ingestion, tens of MB of them stayed resident in an idle server.
/// </summary>
public static partial class NativeHeap
{
    private static bool _unavailable;

    /// <summary>Calls glibc's <c>malloc_trim(0)</c>; does nothing where there is none (musl, other systems).</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux() || _unavailable)
        {
            return;
        }
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
