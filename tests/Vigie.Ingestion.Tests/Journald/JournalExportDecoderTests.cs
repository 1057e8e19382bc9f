using System.Text;
using Vigie.Core;
using Vigie.Ingestion.Journald;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Tests.Journald;

public sealed class JournalExportDecoderTests
{
    internal static byte[] Export()
    {
        var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        Text("__CURSOR=s=1\n__REALTIME_TIMESTAMP=1764064800000001\n__MONOTONIC_TIMESTAMP=5\nMESSAGE=started\n_HOSTNAME=n1\nSYSLOG_IDENTIFIER=cron\nPRIORITY=6\n_PID=12\n\n");
        Text("__REALTIME_TIMESTAMP=1764064801000000\n_HOSTNAME=n1\n_SYSTEMD_UNIT=db.service\nPRIORITY=2\nMESSAGE\n");
        var message = Encoding.UTF8.GetBytes("two\nlines");
        body.Write(BitConverter.GetBytes((ulong)message.Length));
        body.Write(message);
        Text("\nBLOB\n");
        body.Write(BitConverter.GetBytes(3UL));
        body.Write([0xFF, 0x00, 0xFE]);
        Text("\n\n");
        return body.ToArray();
    }

    internal static (List<LogEvent> Events, DecodeReport Report) Run(byte[] body, int chunk = int.MaxValue, int maxEntry = 1 << 20)
    {
        var decoder = new JournalExportDecoder(StreamFields.Parse("host,service"), Decode.Now, maxEntry);
        var batch = new EventBatch();
        var report = new DecodeReport();
        var pending = new List<byte>();
        for (var offset = 0; offset < body.Length || offset == 0; offset += chunk)
        {
            pending.AddRange(body.AsSpan(offset, Math.Min(chunk, body.Length - offset)).ToArray());
            var final = offset + chunk >= body.Length;
            var consumed = decoder.Decode(pending.ToArray(), final, batch, report);
            pending.RemoveRange(0, consumed);
            if (final)
            {
                break;
            }
        }
        Assert.Equal(batch.Count, report.Accepted);
        return ([.. batch.ToLogEvents()], report);
    }

    [Fact]
    public void Decode_TextAndBinaryFields_MapsMessageHostServiceLevelTime()
    {
        var (events, report) = Run(Export());

        Assert.Equal(2, report.Accepted);
        var first = events[0];
        Assert.Equal(1_764_064_800_000_001_000, first.TimeNs);
        Assert.Equal("started", first.Field("_msg"));
        Assert.Equal("n1", first.Field("host"));
        Assert.Equal("cron", first.Field("service"));
        Assert.Equal("info", first.Field("level"));
        Assert.Equal("12", first.Field("_PID"));
        Assert.Null(first.Field("__CURSOR"));
        Assert.Equal("{host=\"n1\",service=\"cron\"}", first.Stream.Text);
        var second = events[1];
        Assert.Equal("two\nlines", second.Field("_msg"));
        Assert.Equal("db", second.Field("service"));
        Assert.Equal("db.service", second.Field("_SYSTEMD_UNIT"));
        Assert.Equal("critical", second.Field("level"));
        Assert.Equal(Convert.ToBase64String([0xFF, 0x00, 0xFE]), second.Field("BLOB"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void Decode_InChunks_SameAsWhole(int chunk)
    {
        var whole = Run(Export()).Events;

        var chunked = Run(Export(), chunk).Events;

        Assert.Equal(whole.Select(e => e.Describe()), chunked.Select(e => e.Describe()));
    }

    [Fact]
    public void Decode_EntryLargerThanLimit_ThrowsMalformedBody()
    {
        var body = Encoding.UTF8.GetBytes("MESSAGE=" + new string('x', 5000) + "\n");

        Assert.Throws<MalformedBodyException>(() => Run(body, chunk: 1000, maxEntry: 2048));
    }

    [Fact]
    public void Decode_BinaryFieldCutShort_RejectsTheEntryKeepsOthers()
    {
        var body = new MemoryStream();
        body.Write(Encoding.UTF8.GetBytes("MESSAGE=ok\n\nMESSAGE\n"));
        body.Write(BitConverter.GetBytes(1000UL));
        body.Write(Encoding.UTF8.GetBytes("short"));

        var (events, report) = Run(body.ToArray());

        Assert.Equal("ok", Assert.Single(events).Field("_msg"));
        Assert.Equal(1, report.Rejected);
    }
}
