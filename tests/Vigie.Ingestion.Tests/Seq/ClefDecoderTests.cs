using System.Text;
using Vigie.Core;
using Vigie.Ingestion.Protocols;
using Vigie.Ingestion.Seq;

namespace Vigie.Ingestion.Tests.Seq;

public sealed class ClefDecoderTests
{
    internal static (List<LogEvent> Events, DecodeReport Report) Clef(byte[] body)
    {
        var batch = new EventBatch();
        var report = new DecodeReport();
        new ClefDecoder(StreamFields.Parse("Application"), Decode.Now).DecodeClef(body, batch, report);
        Assert.Equal(batch.Count, report.Accepted);
        return ([.. batch.ToLogEvents()], report);
    }

    [Fact]
    public void DecodeClef_RendersTemplateAndMapsLevelExceptionAndProperties()
    {
        var (events, report) = Clef(Encoding.UTF8.GetBytes("""
            {"@t":"2025-11-25T10:00:01.250Z","@mt":"User {User} paid {Amount:C} {{literal}} {Missing}","User":"ada","Amount":12.5,"Application":"shop","Ctx":{"Ip":"10.0.0.1"},"@@odd":1}
            {"@t":"2025-11-25T10:00:02Z","@m":"already rendered","@l":"Fatal","@x":"System.Exception: boom","@tr":"abc","@sp":"def"}
            """));

        Assert.Equal(2, report.Accepted);
        var first = events[0];
        Assert.Equal("User ada paid 12.5 {literal} {Missing}", first.Field("_msg"));
        Assert.Equal("User {User} paid {Amount:C} {{literal}} {Missing}", first.Field("message_template"));
        Assert.Equal("info", first.Field("level"));
        Assert.Equal("10.0.0.1", first.Field("Ctx.Ip"));
        Assert.Equal("1", first.Field("@odd"));
        Assert.Equal("{Application=\"shop\"}", first.Stream.Text);
        Assert.Equal(Timestamps.FromDateTime(new DateTime(2025, 11, 25, 10, 0, 1, 250, DateTimeKind.Utc)), first.TimeNs);
        var second = events[1];
        Assert.Equal("already rendered", second.Field("_msg"));
        Assert.Equal("critical", second.Field("level"));
        Assert.Equal("System.Exception: boom", second.Field("exception"));
        Assert.Equal("abc", second.Field("trace_id"));
    }

    [Fact]
    public void DecodeClef_BadLinesAmongGood_RejectedWithLineNumbers()
    {
        var body = Encoding.UTF8.GetBytes("{\"@m\":\"one\"}\n{\"@m\": nope}\n{\"@t\":\"not a time\",\"@m\":\"x\"}\n[1]\n{\"@m\":\"Y\"}\n{\"@m\":\"six\"}\n");
        body[Array.LastIndexOf(body, (byte)'Y')] = 0xFF;

        var (events, report) = Clef(body);

        Assert.Equal(["one", "six"], events.Select(e => e.Field("_msg")));
        Assert.Equal(4, report.Rejected);
        Assert.StartsWith("line 2:", report.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("line 3:", report.Errors[1], StringComparison.Ordinal);
        Assert.StartsWith("line 5: invalid UTF-8", report.Errors[3], StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeRawEvents_OldSeqFormat()
    {
        var body = Encoding.UTF8.GetBytes("""{"Events":[{"Timestamp":"2025-11-25T10:00:00+01:00","Level":"Warning","MessageTemplate":"Disk {Disk} at {Pct}%","Properties":{"Disk":"sda","Pct":91}}]}""");
        var batch = new EventBatch();
        var report = new DecodeReport();

        Assert.True(ClefDecoder.IsRawEventsBody(body));
        new ClefDecoder(StreamFields.None, Decode.Now).DecodeRawEvents(body, batch, report);

        var e = Assert.Single(batch.ToLogEvents());
        Assert.Equal("Disk sda at 91%", e.Field("_msg"));
        Assert.Equal("warning", e.Field("level"));
        Assert.Equal(Timestamps.FromDateTime(new DateTime(2025, 11, 25, 9, 0, 0, DateTimeKind.Utc)), e.TimeNs);
    }
}
