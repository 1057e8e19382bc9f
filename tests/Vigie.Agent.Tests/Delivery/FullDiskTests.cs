using System.Text;
using Vigie.Agent.Collection;
using Vigie.Agent.Delivery;
using static Vigie.Agent.Tests.Delivery.BufferHelpers;

namespace Vigie.Agent.Tests.Delivery;

/// <summary>
/// The buffer on a small tmpfs that fills up: the writer waits, the source waits in AppendAsync, what
/// is on disk stays readable, and once space returns every line arrives, once, in order. Mounting
/// needs root, as in CI.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private readonly string _copy = Directory.CreateTempSubdirectory("vigie-agent-full-copy-").FullName;
    private TmpfsMount? _tmpfs;

    private string Mount => _tmpfs!.Path;

    public async Task InitializeAsync() => _tmpfs = await TmpfsMount.CreateAsync("vigie-agent-full-", "2m");

    public async Task DisposeAsync()
    {
        if (_tmpfs is not null)
        {
            await _tmpfs.DisposeAsync();
        }
        Directory.Delete(_copy, recursive: true);
    }

    [Fact]
    public async Task DiskFull_WriterWaits_SourceWaits_NothingLostOrCorrupt()
    {
        var filler = Path.Combine(Mount, "filler");
        await File.WriteAllBytesAsync(filler, new byte[(2 * 1024 - 400) * 1024]);
        var metrics = new DeliveryMetrics();
        var origin = Origin("file:full");
        var random = new Random(3);
        long appended = 0;
        // The source stops by itself once past this, so that it cannot fill the disk again after the filler goes.
        var limit = long.MaxValue;
        var directory = Path.Combine(Mount, "buffer");
        await using var buffer = Open(directory, o => o with { MaxBytes = 64 * 1024 * 1024, DiskFullRetry = TimeSpan.FromMilliseconds(100) }, metrics);
        using var stop = new CancellationTokenSource();
        var source = Task.Run(async () =>
        {
            for (var n = 1L; !stop.IsCancellationRequested && n <= Interlocked.Read(ref limit); n++)
            {
                // Incompressible, so that the disk fills within a few hundred lines.
                var noise = Convert.ToBase64String(Enumerable.Range(0, 300).Select(_ => (byte)random.Next(256)).ToArray());
                try
                {
                    await buffer.AppendAsync(new CollectedLine(origin, n, Encoding.UTF8.GetBytes($"{n} {noise}"), new SourcePosition(n)), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                Interlocked.Exchange(ref appended, n);
            }
        });

        // The disk fills: the writer fails, retries, and the source ends up waiting.
        await ShipperTests.WaitAsync(() => Interlocked.Read(ref metrics.WriteErrors) >= 3, "write errors on the full disk");
        Assert.False(buffer.IsWriting);
        var before = Interlocked.Read(ref appended);
        await Task.Delay(500);
        Assert.Equal(before, Interlocked.Read(ref appended));
        Assert.True(buffer.TryGet("file:full", out var durable));
        Assert.True(durable.Offset < before, $"position {durable.Offset} is past the lines that could be written");

        // What is on disk meanwhile is intact: a copy opens with every durable line once.
        BufferHelpers.CopyDirectory(directory, _copy);
        await using (var copy = Open(_copy))
        {
            var numbers = PendingLines(copy).Select(l => long.Parse(Msg(l).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(copy.TryGet("file:full", out var copied));
            Assert.True(copied.Offset >= durable.Offset);
            Assert.Equal([.. Enumerable.Range(1, (int)copied.Offset).Select(i => (long)i)], numbers);
        }

        // Space comes back (1.6 MB, for 300 more lines of 400 bytes): everything goes through.
        Interlocked.Exchange(ref limit, before + 300);
        File.Delete(filler);
        await source.WaitAsync(TimeSpan.FromSeconds(20));
        await buffer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(buffer.IsWriting);
        var last = Interlocked.Read(ref appended);
        Assert.Equal(before + 300, last);
        var all = PendingLines(buffer).Select(l => long.Parse(Msg(l).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([.. Enumerable.Range(1, (int)last).Select(i => (long)i)], all);
        Assert.True(buffer.TryGet("file:full", out var final));
        Assert.Equal(last, final.Offset);
    }
}
