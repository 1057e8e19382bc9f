using Vigie.Core;
using Vigie.Pipelines.Processors;

namespace Vigie.Pipelines.Tests;

public class ProcessorTests
{
    private static Model.PipelineEvent One(string processors, params (string, string)[] fields) =>
        Run.Through(Run.Config("pipelines:\n  p:\n    processors:\n" + processors), Run.Event(fields));

    [Fact]
    public void A_failure_restores_the_event_and_tags_it()
    {
        var e = One("""
                  - set: {field: added, value: x}
                  - grok: {pattern: '^%{INT:n}$'}
            """, ("_msg", "abc"));
        Assert.Null(e.Text("added"));
        Assert.Equal("p/grok: '_msg' does not match ^%{INT:n}$", e.Text("_pipeline_error"));
    }

    [Fact]
    public void Regex_json_logfmt_kv()
    {
        Assert.Equal("42", One("      - regex: {pattern: 'id=(?<id>\\d+)'}\n", ("_msg", "x id=42 y")).Text("id"));
        var j = One("      - json: {field: body, target: b}\n", ("body", """{"a":{"b":true},"n":1.5,"l":[1,2]}"""));
        Assert.Equal(new FieldValue(ValueKind.Bool, "true"), j.Get("b.a.b"));
        Assert.Equal(new FieldValue(ValueKind.Number, "1.5"), j.Get("b.n"));
        Assert.Equal(new FieldValue(ValueKind.Json, "[1,2]"), j.Get("b.l"));
        var l = One("      - logfmt: {}\n", ("_msg", "level=info msg=\"user \\\"bob\\\" in\" took=12 debug"));
        Assert.Equal("user \"bob\" in", l.Text("msg"));
        Assert.Equal(new FieldValue(ValueKind.Number, "12"), l.Get("took"));
        Assert.Equal("true", l.Text("debug"));
        var kv = One("      - kv: {field_split: '&', prefix: q.}\n", ("_msg", "a=1&b='two'&c"));
        Assert.Equal("1", kv.Text("q.a"));
        Assert.Equal("two", kv.Text("q.b"));
        Assert.Contains("'_msg' is not JSON", One("      - json: {}\n", ("_msg", "{not json")).Text("_pipeline_error"));
    }

    [Fact]
    public void Date_with_formats_and_time_zone()
    {
        var e = One("      - date: {field: t, formats: ['dd.MM.yyyy HH:mm'], timezone: Europe/Paris}\n", ("t", "25.07.2026 12:00"));
        Assert.Equal("2026-07-25T10:00:00Z", Timestamps.FormatRfc3339(e.TimeNs));
        var unix = One("      - date: {field: t, formats: [UNIX_MS], target: seen}\n", ("t", "1764067200123"));
        Assert.Equal("2025-11-25T10:40:00.123Z", unix.Text("seen"));
        Assert.Contains("matches none of the formats", One("      - date: {field: t, formats: [ISO8601]}\n", ("t", "yesterday")).Text("_pipeline_error"));
    }

    [Fact]
    public void Set_rename_remove_lowercase_convert()
    {
        var e = One("""
                  - set: {field: where, value: '{{host}}:{{port}}'}
                  - rename: {fields: {host: hostname}}
                  - remove: {fields: [secret]}
                  - lowercase: {fields: [method]}
                  - convert: {fields: {port: int}}
            """, ("host", "web-1"), ("port", "8080"), ("secret", "s"), ("method", "GET"));
        Assert.Equal("web-1:8080", e.Text("where"));
        Assert.Equal("web-1", e.Text("hostname"));
        Assert.Null(e.Text("host"));
        Assert.Null(e.Text("secret"));
        Assert.Equal("get", e.Text("method"));
        Assert.Equal(new FieldValue(ValueKind.Number, "8080"), e.Get("port"));
        Assert.Contains("'port': 'eighty' is not int", One("      - convert: {fields: {port: int}}\n", ("port", "eighty")).Text("_pipeline_error"));
    }

    [Fact]
    public void Drop_by_condition()
    {
        var pipelines = Run.Config("pipelines:\n  p:\n    processors:\n      - drop: {if: 'path:\"/healthz\"'}\n");
        Assert.True(Run.Through(pipelines, Run.Event(("path", "/healthz"))).Dropped);
        Assert.False(Run.Through(pipelines, Run.Event(("path", "/api"))).Dropped);
    }

    [Theory]
    [InlineData("WARN", "warning")]
    [InlineData("E", "error")]
    [InlineData("3", "error")]
    [InlineData("50", "error")]
    [InlineData("Information", "info")]
    [InlineData("fatal", "critical")]
    [InlineData("DEBUG2", "debug")]
    [InlineData("odd", "odd")]
    public void Level_normalises(string raw, string expected) =>
        Assert.Equal(expected, One("      - level: {}\n", ("severity", raw)).Text("level"));

    [Fact]
    public void Redact_masks_emails_tokens_and_url_passwords()
    {
        var e = One("      - redact: {patterns: [URL_PASSWORD, EMAIL, BEARER_TOKEN, SECRET_PARAM]}\n",
            ("_msg", "mail bob@example.com auth Bearer eyJhbGciOi.x-y fetch https://admin:hunter2@db.local/x?api_key=abc123&q=1"));
        Assert.Equal("mail [REDACTED] auth Bearer [REDACTED] fetch https://admin:[REDACTED]@db.local/x?api_key=[REDACTED]&q=1", e.Text("_msg"));
    }

    [Fact]
    public void Pseudonymize_truncates_and_hashes()
    {
        Assert.Equal("203.0.113.0", One("      - pseudonymize_ip: {}\n", ("client_ip", "203.0.113.77")).Text("client_ip"));
        Assert.Equal("2001:db8:85a3::", One("      - pseudonymize_ip: {}\n", ("client_ip", "2001:db8:85a3:8d3:1319:8a2e:370:7348")).Text("client_ip"));
        var h1 = One("      - pseudonymize_ip: {method: hash, key: k1, fields: [ip]}\n", ("ip", "203.0.113.77")).Text("ip");
        var h2 = One("      - pseudonymize_ip: {method: hash, key: k1, fields: [ip]}\n", ("ip", "203.0.113.77")).Text("ip");
        var h3 = One("      - pseudonymize_ip: {method: hash, key: k2, fields: [ip]}\n", ("ip", "203.0.113.77")).Text("ip");
        Assert.Equal(h1, h2);
        Assert.NotEqual(h1, h3);
        Assert.Matches("^ip-[0-9a-f]{16}$", h1);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70", "Edge", "131", "Windows", "desktop")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "Safari", "17", "macOS", "desktop")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome", "131", "Android", "mobile")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari", "17", "iOS", "tablet")]
    [InlineData("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox", "133", "Linux", "desktop")]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot", "2", "Other", "bot")]
    [InlineData("curl/8.5.0", "curl", "8", "Other", "bot")]
    public void User_agent(string ua, string browser, string version, string os, string device) =>
        Assert.Equal(new UserAgentInfo(browser, version, os, device), UserAgentParser.Parse(ua));
}

public class ThrowingProcessorTests
{
    private sealed class Throwing : Processors.Processor
    {
        public override string Type => "throwing";

        public override string? Apply(Model.PipelineEvent e) => throw new InvalidOperationException("bug");
    }

    [Fact]
    public void A_processor_that_throws_fails_the_event_and_keeps_it()
    {
        var metrics = new PipelineMetrics();
        var pipeline = new Pipeline("p", null, [new Throwing { Id = "throwing" }]);
        var e = Run.Event(("_msg", "x"));
        pipeline.Run(e, metrics);
        Assert.Equal("p/throwing: InvalidOperationException: bug", e.Text("_pipeline_error"));
        Assert.Equal(1, metrics.For("p", "throwing").Failed);
    }
}
