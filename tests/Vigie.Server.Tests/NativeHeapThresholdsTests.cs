using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Xunit;
using Vigie.Server.Observability;

namespace Vigie.Server.Tests;

public class NativeHeapThresholdsTests
{
    private static readonly string[] MallocVariables = ["MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES", "MALLOC_ARENA_MAX", "PATH"];

    [Property]
    public bool Thresholds_are_fixed_unless_the_environment_tunes_malloc(string?[] values, NonNegativeInt seed)
    {
        // Random values for a few variables, some of them glibc's, GLIBC_TUNABLES with or without a malloc tunable.
        var random = new Random(seed.Get);
        var environment = new Dictionary<string, string?>();
        for (var i = 0; i < Math.Min(values.Length, MallocVariables.Length); i++)
        {
            var name = MallocVariables[random.Next(MallocVariables.Length)];
            environment[name] = name == "GLIBC_TUNABLES" && random.Next(2) == 0
                ? $"glibc.pthread.rseq=0:glibc.malloc.{(random.Next(2) == 0 ? "trim_threshold" : "arena_max")}=1"
                : values[i];
        }
        var tuned = !string.IsNullOrEmpty(environment.GetValueOrDefault("MALLOC_TRIM_THRESHOLD_"))
            || !string.IsNullOrEmpty(environment.GetValueOrDefault("MALLOC_MMAP_THRESHOLD_"))
            || (environment.GetValueOrDefault("GLIBC_TUNABLES") ?? "").Contains("glibc.malloc.", StringComparison.Ordinal);
        return NativeHeapThresholds.Decide(name => environment.GetValueOrDefault(name)) == !tuned;
    }

    [Fact]
    public void A_large_block_freed_leaves_the_next_large_block_a_mapping_of_its_own()
    {
        if (!OperatingSystem.IsLinux() || !NativeHeapThresholds.Apply())
        {
            return;
        }
        // With glibc's dynamic threshold this free would raise it to 24 MB, and the next blocks up
        // to that size would be carved from an arena, where they stay resident once freed. Sizes far
        // above what the process's arenas hold free, so that the block cannot come from their free
        // lists either way: only the threshold decides.
        Marshal.FreeHGlobal(Marshal.AllocHGlobal(24 * 1024 * 1024));
        var next = Marshal.AllocHGlobal(16 * 1024 * 1024);
        try
        {
            Assert.True(IsMapped(next), "a 16 MB block came from an arena, not a mapping of its own");
        }
        finally
        {
            Marshal.FreeHGlobal(next);
        }
        var small = Marshal.AllocHGlobal(64 * 1024);
        try
        {
            Assert.False(IsMapped(small), "a 64 KB block had a mapping of its own: the threshold is not glibc's 128 KB");
        }
        finally
        {
            Marshal.FreeHGlobal(small);
        }
    }

    /// <summary>glibc's flag for a block with a mapping of its own (IS_MMAPPED), in the size word before it.</summary>
    private static bool IsMapped(IntPtr block) => (Marshal.ReadInt64(block, -8) & 2) != 0;
}
