using System.Runtime.InteropServices;

namespace Vigie.Server.Observability;

/// <summary>
/// Fixes glibc's trim and mapping thresholds at their defaults (128 KB), which it otherwise raises
/// as the process runs. Once a block above the mapping threshold is freed (a zstd context, about
/// 1 MB with its workspace), glibc raises that threshold to the block's size and the trim threshold
/// to twice it: the next blocks of that size are carved from the arenas and stay there once freed,
/// and each thread arena keeps up to that much free at its top, which <c>malloc_trim</c> (the idle
/// trim's) does not give back for any arena but the main one. With the thresholds fixed, a block
/// of 128 KB or more that finds no room in an arena has a mapping of its own and goes back to the
/// system when freed, and an arena's free top goes back when a block is freed: after a 1M-event
/// ingest the thread arenas hold 1.6-1.9 MB at rest, where they held 2.8-4.6 MB, a different
/// amount each time.
/// <para>
/// An operator who tunes glibc's malloc through the environment (<c>MALLOC_TRIM_THRESHOLD_</c>,
/// <c>MALLOC_MMAP_THRESHOLD_</c>, <c>GLIBC_TUNABLES</c> with <c>glibc.malloc.</c>) keeps those
/// settings: nothing is set then.
/// </para>
/// </summary>
public static partial class NativeHeapThresholds
{
    /// <summary>glibc's default for both thresholds, which it keeps when they are set.</summary>
    public const int Fixed = 128 * 1024;

    /// <summary>glibc's <c>mallopt</c> parameters <c>M_TRIM_THRESHOLD</c> and <c>M_MMAP_THRESHOLD</c>.</summary>
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;

    /// <summary>
    /// Whether to fix the thresholds, given the environment's variables by name (as
    /// <see cref="Environment.GetEnvironmentVariable(string)"/> gives them): not when the operator tunes malloc there.
    /// </summary>
    public static bool Decide(Func<string, string?> environment) =>
        string.IsNullOrEmpty(environment("MALLOC_TRIM_THRESHOLD_"))
        && string.IsNullOrEmpty(environment("MALLOC_MMAP_THRESHOLD_"))
        && !(environment("GLIBC_TUNABLES") ?? "").Contains("glibc.malloc.", StringComparison.Ordinal);

    /// <summary>
    /// Fixes the thresholds when <see cref="Decide"/> says so for this process's environment.
    /// Returns whether they were set (never on other systems, nor where there is no glibc: musl).
    /// </summary>
    public static bool Apply()
    {
        if (!OperatingSystem.IsLinux() || !Decide(Environment.GetEnvironmentVariable))
        {
            return false;
        }
        try
        {
            return MallOpt(MTrimThreshold, Fixed) == 1 && MallOpt(MMmapThreshold, Fixed) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
