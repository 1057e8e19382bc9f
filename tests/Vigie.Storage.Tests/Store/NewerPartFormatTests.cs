using System.Buffers.Binary;
using System.IO.Hashing;
using Vigie.Core;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

/// <summary>
/// A data directory that a newer Vigie wrote parts into, opened by this build (going back after trying
/// an upgrade): the store refuses to open and touches nothing, where a damaged part is set aside.
/// </summary>
public sealed class NewerPartFormatTests
{
    private static readonly long BaseTime = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    private static StoreOptions Options(string dir) => new() { DataDirectory = dir, BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) };

    [Fact]
    public void Open_PartOfANewerFormat_RefusesWithAClearMessageAndLeavesTheDirectoryAsItWas()
    {
        using var dir = new TempDirectory();
        var events = StoreWithParts(dir.Path);
        // One part of the directory's (the events may span days: one part each) is a newer build's.
        var part = Parts(dir.Path)[^1];
        var original = File.ReadAllBytes(part);
        File.WriteAllBytes(part, WithVersion(original, PartFormat.Version + 1, footerToo: true));
        var manifest = File.ReadAllBytes(Path.Combine(dir.Path, Manifest.FileName));

        var e = Assert.ThrowsAny<IOException>(() => LogStore.Open(Options(dir.Path)));

        Assert.Contains($"part format {PartFormat.Version + 1}, written by a newer Vigie", e.Message, StringComparison.Ordinal);
        Assert.Contains(part, e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(part), "the newer part stays where it is");
        Assert.False(Directory.Exists(Path.Combine(dir.Path, StoreLayout.QuarantineDirectory)), "nothing is quarantined");
        Assert.Equal(manifest, File.ReadAllBytes(Path.Combine(dir.Path, Manifest.FileName)));

        // The directory was left whole: with the part readable again, every event is there.
        File.WriteAllBytes(part, original);
        using var reopened = LogStore.Open(Options(dir.Path));
        Assert.Equal(StoreReading.Describe(events), StoreReading.Describe(StoreReading.ReadAll(reopened)));
    }

    [Fact]
    public void Open_HeaderVersionDamagedButFooterIntact_IsQuarantinedAsDamage()
    {
        using var dir = new TempDirectory();
        StoreWithParts(dir.Path);
        var parts = Parts(dir.Path);
        var part = parts[^1];
        File.WriteAllBytes(part, WithVersion(File.ReadAllBytes(part), PartFormat.Version + 1, footerToo: false));

        using var store = LogStore.Open(Options(dir.Path));

        Assert.False(File.Exists(part));
        Assert.Equal(parts.Count - 1, store.GetStatus().Parts);
        Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, StoreLayout.QuarantineDirectory)));
    }

    private static List<string> Parts(string dir) =>
        [.. Directory.GetFiles(Path.Combine(dir, StoreLayout.PartsDirectory), "*" + StoreLayout.PartExtension, SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private static List<LogEvent> StoreWithParts(string dir)
    {
        var r = new Random(5);
        var events = Enumerable.Range(0, 40).Select(_ => RandomEvents.Make(r, BaseTime)).ToList();
        using var store = LogStore.Open(Options(dir));
        StoreReading.Append(store, events);
        store.FlushAsync().GetAwaiter().GetResult();
        return events;
    }

    /// <summary>The part's bytes with its header's version, and its footer's (checksum recomputed) if asked, set to <paramref name="version"/>.</summary>
    private static byte[] WithVersion(byte[] part, uint version, bool footerToo)
    {
        var bytes = (byte[])part.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), version);
        if (footerToo)
        {
            var footer = bytes.AsSpan(bytes.Length - PartFormat.FooterSize, PartFormat.FooterSize);
            BinaryPrimitives.WriteUInt32LittleEndian(footer[60..], version);
            BinaryPrimitives.WriteUInt64LittleEndian(footer[64..], XxHash64.HashToUInt64(footer[..PartFormat.FooterChecksummedBytes]));
        }
        return bytes;
    }
}
