using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Pipelines.Grok;

namespace Vigie.Pipelines.Tests;

public class GrokTests
{
    public static TheoryData<string> PatternNames() => [.. GrokPatterns.Default.Keys];

    [Theory]
    [MemberData(nameof(PatternNames))]
    public void Every_library_pattern_compiles(string name)
    {
        var g = GrokExpression.Compile("%{" + name + "}");
        Assert.NotNull(g.Regex);
    }

    [Fact]
    public void Unknown_names_cycles_and_bad_types_are_errors()
    {
        Assert.Contains("unknown grok pattern 'NOPE'", Assert.Throws<GrokException>(() => GrokExpression.Compile("%{NOPE:x}")).Message);
        var cyclic = new Dictionary<string, string> { ["A"] = "%{B}", ["B"] = "%{A}" };
        Assert.Contains("refers to itself", Assert.Throws<GrokException>(() => GrokExpression.Compile("%{A}", cyclic)).Message);
        Assert.Contains("unknown type 'money'", Assert.Throws<GrokException>(() => GrokExpression.Compile("%{INT:x:money}")).Message);
    }

    [Property(MaxTest = 200)]
    public Property Ipv4_captures_any_address(byte a, byte b, byte c, byte d, PositiveInt port)
    {
        var ip = $"{a}.{b}.{c}.{d}";
        var g = GrokExpression.Compile("^from %{IPV4:ip} port %{INT:port:int}$");
        var m = g.Regex.Match($"from {ip} port {port.Get}");
        return (m.Success && m.Groups[g.Captures[0].Group].Value == ip && m.Groups[g.Captures[1].Group].Value == port.Get.ToString(CultureInfo.InvariantCulture)).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property Ipv4_rejects_octets_above_255(byte a, PositiveInt big)
    {
        var octet = 256 + big.Get % 700;
        var g = GrokExpression.Compile("^%{IPV4}$");
        return (!g.Regex.IsMatch($"{a}.{octet}.1.1")).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property Number_round_trips_with_type_conversion(NormalFloat f, long i)
    {
        var text = f.Get.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            return true.ToProperty(); // grok NUMBER has no exponent form, like its original
        }
        var g = GrokExpression.Compile("^%{NUMBER:f:float} %{INT:i:int}$");
        var m = g.Regex.Match($"{text} {i.ToString(CultureInfo.InvariantCulture)}");
        var okF = GrokTypes.TryConvert(m.Groups[g.Captures[0].Group].Value, GrokType.Float, out var fv) && double.Parse(fv.Text, CultureInfo.InvariantCulture) == f.Get;
        var okI = GrokTypes.TryConvert(m.Groups[g.Captures[1].Group].Value, GrokType.Int, out var iv) && iv.Text == i.ToString(CultureInfo.InvariantCulture);
        return (m.Success && okF && okI).ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property Combined_log_lines_parse_back_to_their_fields(byte a, byte b, PositiveInt status, NonNegativeInt bytes, NonEmptyString pathSeed)
    {
        var path = "/" + new string([.. pathSeed.Get.Where(char.IsAsciiLetterOrDigit)]);
        var ip = $"10.{a}.{b}.7";
        var code = 100 + status.Get % 500;
        var line = $"{ip} - - [25/Nov/2026:10:00:00 +0100] \"GET {path} HTTP/1.1\" {code} {bytes.Get} \"-\" \"curl/8.5.0\"";
        var pipelines = Run.Config("pipelines:\n  web:\n    processors:\n      - grok: {pattern: '^%{COMBINEDAPACHELOG}$'}\n");
        var e = Run.Through(pipelines, Run.Event(("_msg", line)));
        return (e.Text("client_ip") == ip && e.Text("path") == path && e.Text("status") == code.ToString(CultureInfo.InvariantCulture)
            && e.Text("bytes") == bytes.Get.ToString(CultureInfo.InvariantCulture) && e.Text("user_agent") == "curl/8.5.0" && e.Text("_pipeline_error") is null)
            .Label(line);
    }

    [Property(MaxTest = 100)]
    public Property Uuid_matches_generated_guids(Guid g)
    {
        var expr = GrokExpression.Compile("^id=%{UUID:id}$");
        return expr.Regex.IsMatch("id=" + g.ToString("D")).ToProperty();
    }

    [Theory]
    [InlineData("TIMESTAMP_ISO8601", "2026-11-25T10:00:00.123+01:00")]
    [InlineData("TIMESTAMP_ISO8601", "2026-11-25 10:00:00,123")]
    [InlineData("HTTPDATE", "25/Nov/2026:10:00:00 +0100")]
    [InlineData("SYSLOGTIMESTAMP", "Nov  5 10:00:00")]
    [InlineData("IPV6", "2001:db8::1")]
    [InlineData("IPV6", "fe80::1ff:fe23:4567:890a")]
    [InlineData("IP", "::1")]
    [InlineData("LOGLEVEL", "WARNING")]
    [InlineData("PATH", "/var/log/nginx/access.log")]
    [InlineData("URI", "https://user@example.com:8443/a/b?c=d")]
    [InlineData("QUOTEDSTRING", "\"say \\\"hi\\\"\"")]
    [InlineData("WORD", "hello_1")]
    [InlineData("NOTSPACE", "a/b:c")]
    public void Usual_patterns_match_whole_values(string name, string value) =>
        Assert.Matches(GrokExpression.Compile("^%{" + name + "}$").Regex, value);

    [Theory]
    [InlineData("IPV4", "1.2.3")]
    [InlineData("INT", "12a")]
    [InlineData("UUID", "not-a-uuid")]
    [InlineData("HTTPDATE", "2026-11-25")]
    public void Usual_patterns_refuse_other_values(string name, string value) =>
        Assert.DoesNotMatch(GrokExpression.Compile("^%{" + name + "}$").Regex, value);
}
