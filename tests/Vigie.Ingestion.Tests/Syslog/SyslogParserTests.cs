using Vigie.Core;
using Vigie.Ingestion.Syslog;

namespace Vigie.Ingestion.Tests.Syslog;

public sealed class SyslogParserTests
{
    private static LogEvent Parse(string message)
    {
        var target = Frames.Target("host,service");
        Assert.True(SyslogParser.Parse(Frames.Utf8(message), target));
        return Assert.Single(target.Batch.ToLogEvents());
    }

    [Fact]
    public void Parse_Rfc5424WithStructuredData_MapsEveryPart()
    {
        var e = Parse("<165>1 2026-11-25T10:00:00.123456Z web-1 nginx 4711 ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\\\"lic\\]ation\"][meta x=\"y\"] \uFEFFAn app event");
        Assert.Equal(Timestamps.FromDateTime(new DateTime(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc)) + 123_456_000, e.TimeNs);
        Assert.Equal("web-1", e.Field("host"));
        Assert.Equal("nginx", e.Field("service"));
        Assert.Equal("4711", e.Field("pid"));
        Assert.Equal("ID47", e.Field("msgid"));
        Assert.Equal("3", e.Field("exampleSDID.iut"));
        Assert.Equal("App\"lic]ation", e.Field("exampleSDID.eventSource"));
        Assert.Equal("y", e.Field("meta.x"));
        Assert.Equal("An app event", e.Message);
        Assert.Equal("local4", e.Field("facility"));
        Assert.Equal("notice", e.Field("severity"));
        Assert.Equal("info", e.Field("level"));
        Assert.Equal("{host=\"web-1\",service=\"nginx\"}", e.Stream.ToString());
    }

    [Fact]
    public void Parse_Rfc5424NilValuesAndRsyslogSpaces_MessageKeptWithoutLeadingSpaces()
    {
        var e = Parse("<11>1 - - - - - -  two spaces before\n");
        Assert.Equal(Decode.Now, e.TimeNs);
        Assert.Equal("10.0.0.9", e.Field("host"));
        Assert.Null(e.Field("service"));
        Assert.Null(e.Field("pid"));
        Assert.Equal("two spaces before", e.Message);
        Assert.Equal("error", e.Field("level"));
    }

    [Theory]
    [InlineData("<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed", "mymachine", "su", "230", "'su root' failed")]
    [InlineData("<34>Oct  1 22:14:15 mymachine su: 'su root' failed", "mymachine", "su", null, "'su root' failed")]
    [InlineData("<13>Oct 11 22:14:15 sshd[42]: no host here", "10.0.0.9", "sshd", "42", "no host here")]
    [InlineData("<30>2026-11-25T10:00:00+01:00 web-2 app[7]: rsyslog forward format", "web-2", "app", "7", "rsyslog forward format")]
    [InlineData("just a line without anything", "10.0.0.9", null, null, "just a line without anything")]
    [InlineData("<999>not a priority", "10.0.0.9", null, null, "<999>not a priority")]
    public void Parse_Rfc3164Variants_HostTagPidAndMessage(string message, string host, string? service, string? pid, string text)
    {
        var e = Parse(message);
        Assert.Equal(host, e.Field("host"));
        Assert.Equal(service, e.Field("service"));
        Assert.Equal(pid, e.Field("pid"));
        Assert.Equal(text, e.Message);
    }

    [Fact]
    public void Parse_Rfc3164Time_IsReadInLocalTimeNearNow()
    {
        var local = DateTime.Now.AddMinutes(-5);
        var stamp = local.ToString("MMM d HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture).PadLeft(15);
        if (local.Day < 10)
        {
            stamp = local.ToString("MMM  d HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        }
        var e = Parse($"<13>{stamp} h t: m");
        var expected = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, DateTimeKind.Local);
        Assert.Equal(Timestamps.FromDateTime(expected), e.TimeNs);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsRepairedNotRejected()
    {
        var target = Frames.Target();
        byte[] bytes = [.. "<13>1 - h a - - - bad "u8, 0xff, 0xfe, .. " end"u8];
        Assert.True(SyslogParser.Parse(bytes, target));
        Assert.Equal("bad \uFFFD\uFFFD end", Assert.Single(target.Batch.ToLogEvents()).Message);
    }

    [Fact]
    public void Parse_PriorityZeroAndSeven_MapToCriticalAndDebug()
    {
        Assert.Equal("critical", Parse("<0>1 - h a - - - x").Field("level"));
        Assert.Equal("kern", Parse("<0>1 - h a - - - x").Field("facility"));
        Assert.Equal("debug", Parse("<191>1 - h a - - - x").Field("level"));
        Assert.Equal("local7", Parse("<191>1 - h a - - - x").Field("facility"));
    }
}
