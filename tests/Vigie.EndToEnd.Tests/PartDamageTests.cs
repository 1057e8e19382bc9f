using System.Buffers.Binary;
using System.IO.Hashing;
using Vigie.Storage.Parts;
using Vigie.Storage.Store;

namespace Vigie.EndToEnd.Tests;

/// <summary>A damaged part file: the server starts, quarantines it and answers from the other parts.</summary>
[Collection(CliCollection.Name)]
public sealed class PartDamageTests(CliBuild cli) : IDisposable
{
    private static readonly DateTime DayA = new(2025, 1, 10, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime DayB = new(2025, 1, 11, 12, 0, 0, DateTimeKind.Utc);

    private readonly string _data = Directory.CreateTempSubdirectory("vigie-e2e-part-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static IEnumerable<string> Ids(string prefix) => Enumerable.Range(0, 500).Select(i => $"{prefix}{i}");

    /// <summary>Stores two days in parts through a real server stopped cleanly; returns day A's part file.</summary>
    private async Task<string> TwoDaysInPartsAsync()
    {
        using var server = await VigieProcess.StartAsync(cli, _data);
        await server.IngestOkAsync(Events.Ndjson(Ids("a").Select((id, i) => (object)new { _time = Events.Rfc3339(DayA.AddSeconds(i)), _msg = "day a event " + id, id })));
        await server.IngestOkAsync(Events.Ndjson(Ids("b").Select((id, i) => (object)new { _time = Events.Rfc3339(DayB.AddSeconds(i)), _msg = "day b event " + id, id })));
        await server.WaitForMetricAsync("vigie_parts", v => v >= 2, TimeSpan.FromSeconds(5));
        Assert.Equal(0, await server.StopAsync());
        return Assert.Single(Directory.GetFiles(Path.Combine(_data, StoreLayout.PartsDirectory, Events.DayName(DayA)), "*" + StoreLayout.PartExtension));
    }

    private async Task AssertOnlyDayBRemainsAsync(VigieProcess server, string part)
    {
        Assert.Equal(1, await server.MetricAsync("vigie_parts_quarantined_total"));
        var quarantined = Assert.Single(Events.Quarantined(_data));
        Assert.Equal($"{Events.DayName(DayA)}-{Path.GetFileName(part)}", Path.GetFileName(quarantined));
        Assert.False(File.Exists(part));
        Assert.Equal(Ids("b").Order(), (await Events.AllValuesAsync(server, "id")).Order());
        var stats = (await server.QueryAsync("* | stats count() as n")).Single();
        Assert.Equal(500, stats.GetProperty("n").GetInt32());
        Assert.Empty(await server.QueryAsync("id:a1"));
    }

    [Fact]
    public async Task Restart_TruncatedPart_QuarantinesItAndAnswersFromTheOtherDay()
    {
        var part = await TwoDaysInPartsAsync();
        await using (var f = new FileStream(part, FileMode.Open))
        {
            f.SetLength(f.Length / 2);
        }

        using var server = await VigieProcess.StartAsync(cli, _data);

        await AssertOnlyDayBRemainsAsync(server, part);
        Assert.Equal(0, await server.StopAsync());
        using var again = await VigieProcess.StartAsync(cli, _data);
        Assert.Equal(0, await again.MetricAsync("vigie_parts_quarantined_total"));
        Assert.Equal(500, (await Events.AllValuesAsync(again, "id")).Count);
    }

    /// <summary>
    /// Going back to an older build after a newer one wrote a part in a newer format: the server
    /// refuses to start with a message saying so, and the part stays where it is, not quarantined.
    /// </summary>
    [Fact]
    public async Task Restart_PartOfANewerFormat_ServeRefusesToStartAndChangesNothing()
    {
        var part = await TwoDaysInPartsAsync();
        var original = await File.ReadAllBytesAsync(part);
        await File.WriteAllBytesAsync(part, WithFormatVersion(original, PartFormat.Version + 1));
        var manifest = await File.ReadAllBytesAsync(Path.Combine(_data, Manifest.FileName));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => VigieProcess.StartAsync(cli, _data));

        Assert.Contains($"is in part format {PartFormat.Version + 1}, written by a newer Vigie", e.Message, StringComparison.Ordinal);
        Assert.Contains("exited with 1 during start-up", e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(part));
        Assert.Empty(Events.Quarantined(_data));
        Assert.Equal(manifest, await File.ReadAllBytesAsync(Path.Combine(_data, Manifest.FileName)));

        await File.WriteAllBytesAsync(part, original);
        using var server = await VigieProcess.StartAsync(cli, _data);
        Assert.Equal(1000, (await Events.AllValuesAsync(server, "id")).Count);
    }

    /// <summary>The part's bytes as a writer of part format <paramref name="version"/> would have stamped them: header and footer (its checksum recomputed).</summary>
    private static byte[] WithFormatVersion(byte[] part, uint version)
    {
        var bytes = (byte[])part.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), version);
        var footer = bytes.AsSpan(bytes.Length - PartFormat.FooterSize, PartFormat.FooterSize);
        BinaryPrimitives.WriteUInt32LittleEndian(footer[60..], version);
        BinaryPrimitives.WriteUInt64LittleEndian(footer[64..], XxHash64.HashToUInt64(footer[..PartFormat.FooterChecksummedBytes]));
        return bytes;
    }

    [Fact]
    public async Task Restart_BytesFlippedInMiddleOfPart_QuarantinesItAtOpenOrFirstReadAndQueriesKeepWorking()
    {
        var part = await TwoDaysInPartsAsync();
        var bytes = await File.ReadAllBytesAsync(part);
        for (var i = bytes.Length / 2; i < (bytes.Length / 2) + 16; i++)
        {
            bytes[i] ^= 0xFF;
        }
        await File.WriteAllBytesAsync(part, bytes);

        using var server = await VigieProcess.StartAsync(cli, _data);
        // Damage in a data or bloom segment is found when a query reads it: such queries still answer.
        await server.QueryAsync("*");
        await server.QueryAsync("id:a1");
        await server.WaitForMetricAsync("vigie_parts_quarantined_total", v => v == 1, TimeSpan.FromSeconds(3));

        await AssertOnlyDayBRemainsAsync(server, part);
        Assert.Equal(0, await server.StopAsync());
        using var again = await VigieProcess.StartAsync(cli, _data);
        Assert.Equal(500, (await Events.AllValuesAsync(again, "id")).Count);
        Assert.Single(Events.Quarantined(_data));
    }
}
