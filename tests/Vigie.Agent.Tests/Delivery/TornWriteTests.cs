using FsCheck;
using FsCheck.Fluent;
using Vigie.Agent.Collection;
using Vigie.Agent.Delivery;
using static Vigie.Agent.Tests.Delivery.BufferHelpers;

namespace Vigie.Agent.Tests.Delivery;

/// <summary>
/// A crash can leave the last record of a segment cut anywhere, or its bytes wrong: recovery must cut
/// it off, keep every earlier record and its positions, and append after it as if it never was.
/// </summary>
public sealed class TornWriteTests
{
    /// <summary>Each case opens the buffer twice per byte of its last record: a few cases cover the shapes (one record, several).</summary>
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(12);

    [Fact]
    public void LastRecordCutAtEveryByte_RecoversTheRecordsBefore() =>
        Prop.ForAll(
            Gen.Choose(1, 4).SelectMany(records => Gen.Choose(1, 5).ArrayOf(records)).ToArbitrary(),
            linesPerRecord => CutEverywhere(linesPerRecord, corrupt: false)).Check(Config);

    [Fact]
    public void LastRecordWithAWrongByte_IsCutOff() =>
        Prop.ForAll(
            Gen.Choose(1, 4).SelectMany(records => Gen.Choose(1, 5).ArrayOf(records)).ToArbitrary(),
            linesPerRecord => CutEverywhere(linesPerRecord, corrupt: true)).Check(Config);

    private static bool CutEverywhere(int[] linesPerRecord, bool corrupt)
    {
        var origin = Origin("docker:torn");
        // Memory-backed when the machine has it: this checks the recovery logic, not the disk, and opens thousands of buffers.
        var root = Directory.Exists("/dev/shm")
            ? Directory.CreateDirectory(Path.Combine("/dev/shm", "vigie-agent-torn-" + Guid.NewGuid().ToString("N"))).FullName
            : Directory.CreateTempSubdirectory("vigie-agent-torn-").FullName;
        try
        {
            var written = Path.Combine(root, "written");
            var line = 0;
            var positionsBeforeLast = 0;
            using (var buffer = Open(written, o => o with { BatchMaxAge = TimeSpan.FromHours(1) }).AsDisposable())
            {
                for (var r = 0; r < linesPerRecord.Length; r++)
                {
                    positionsBeforeLast = line;
                    for (var i = 0; i < linesPerRecord[r]; i++)
                    {
                        buffer.Value.AppendAsync(Line(origin, ++line), CancellationToken.None).AsTask().GetAwaiter().GetResult();
                    }
                    buffer.Value.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
                }
            }
            var segment = Directory.GetFiles(written, "*.seg").Single();
            var length = new FileInfo(segment).Length;
            var lastStart = RecordStarts(written).Last();
            var expected = Enumerable.Range(1, positionsBeforeLast).Select(i => $"docker:torn line {i}").ToList();
            for (var at = lastStart; at < length; at++)
            {
                var copy = Path.Combine(root, "copy-" + at);
                CopyDirectory(written, copy);
                var damaged = Path.Combine(copy, Path.GetFileName(segment));
                if (corrupt)
                {
                    var bytes = File.ReadAllBytes(damaged);
                    bytes[at] ^= 0x5a;
                    File.WriteAllBytes(damaged, bytes);
                }
                else
                {
                    using var file = new FileStream(damaged, FileMode.Open);
                    file.SetLength(at);
                }
                using (var reopened = Open(copy).AsDisposable())
                {
                    var buffer = reopened.Value;
                    Assert.Equal(expected, PendingLines(buffer).Select(Msg));
                    Assert.Equal(positionsBeforeLast > 0, buffer.TryGet("docker:torn", out var position));
                    Assert.Equal(positionsBeforeLast, position.Offset);
                    // Writing goes on after the cut as if the torn record never was.
                    buffer.AppendAsync(Line(origin, positionsBeforeLast + 1), CancellationToken.None).AsTask().GetAwaiter().GetResult();
                    buffer.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
                }
                if (positionsBeforeLast > 0)
                {
                    Assert.Equal(lastStart, new FileInfo(damaged).Length);
                }
                using (var again = Open(copy).AsDisposable())
                {
                    Assert.Equal([.. expected, $"docker:torn line {positionsBeforeLast + 1}"], PendingLines(again.Value).Select(Msg));
                }
                Directory.Delete(copy, recursive: true);
            }
            return true;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Offsets of the records of the only segment, as recovery indexes them.</summary>
    private static List<long> RecordStarts(string directory)
    {
        using var buffer = Open(directory).AsDisposable();
        return [.. PendingRecords(buffer.Value).Select(r => r.Offset)];
    }
}

/// <summary>Closes an async-disposable buffer from synchronous property code.</summary>
internal sealed class SyncDisposable<T>(T value) : IDisposable where T : IAsyncDisposable
{
    public T Value { get; } = value;

    public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

internal static class SyncDisposableExtensions
{
    public static SyncDisposable<T> AsDisposable<T>(this T value) where T : IAsyncDisposable => new(value);
}
