using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Core;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Model;
using Vigie.Pipelines.Processors;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// The fast path (on the event's bytes) against the general one (forced by a trace), through the
/// built-in pipelines: the same stored events, failures and counts, on real lines of every built-in
/// format and on random JSON application logs, valid or not.
/// </summary>
public class FastPathTests
{
    private static readonly Lazy<IReadOnlyList<Pipeline>> BuiltIns = new(PipelineConfigLoader.BuiltInsOnly);

    private static readonly (string Service, string Line)[] Real =
    [
        ("nginx", "203.0.113.9 - alice [25/Nov/2026:10:15:42 +0100] \"POST /api/login?next=%2F HTTP/2.0\" 401 153 \"https://shop.example.org/\" \"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1\""),
        ("nginx", "2026/11/25 10:16:01 [error] 3170#3170: *1127 open() \"/var/www/html/wp-login.php\" failed (2: No such file or directory), client: 198.51.100.23, server: example.org, request: \"GET /wp-login.php HTTP/1.1\", host: \"example.org\""),
        ("apache2", "192.0.2.44 - - [03/Dec/2026:22:01:09 -0500] \"GET /index.html HTTP/1.1\" 304 -"),
        ("httpd", "[Wed Nov 25 10:20:33.512345 2026] [core:error] [pid 8812:tid 140071] [client 192.0.2.10:53212] AH00126: Invalid URI in request GET /%%% HTTP/1.1"),
        ("traefik", "10.0.0.5 - - [25/Nov/2026:10:30:00 +0000] \"GET /whoami HTTP/1.1\" 200 412 \"-\" \"curl/8.5.0\" 37 \"whoami@docker\" \"http://172.18.0.3:80\" 4ms"),
        ("traefik", """{"ClientHost":"10.0.0.6","RequestMethod":"GET","RequestPath":"/api","RequestProtocol":"HTTP/2.0","DownstreamStatus":503,"DownstreamContentSize":19,"RouterName":"api@docker","Duration":1534000,"StartUTC":"2026-11-25T10:31:00.25Z"}"""),
        ("postgresql", "2026-11-25 10:40:12.345 UTC [2219] ERROR:  duplicate key value violates unique constraint \"users_email_key\""),
        ("postgres", "2026-11-25 10:40:00.001 UTC [1] LOG:  database system is ready to accept connections"),
        ("sshd", "Accepted publickey for deploy from 198.51.100.7 port 50022 ssh2: ED25519 SHA256:Hk3yq1Xm2"),
        ("sshd", "Nov 25 10:50:01 web-1 sshd[9121]: Failed password for invalid user admin from 203.0.113.50 port 41234 ssh2"),
        ("sshd", "Server listening on 0.0.0.0 port 22."),
        // Not ASCII: the regex runs on the line decoded from UTF-8, its captures are the same characters.
        ("sshd", "Nov 25 10:50:01 web-1 sshd[9121]: Accepted password for j\u00fcrgen\u2603 from 203.0.113.50 port 41234 ssh2: caf\u00e9 \U0001F600"),
        ("sshd", "Invalid user \u00e9l\u00e8ve from 203.0.113.51"),
        ("sshd", "sshd[9121]: \u00e9 Accepted password for x from 203.0.113.50 port 1 ssh2"),
        ("dockerd", "time=\"2026-11-25T10:55:00.123456789Z\" level=warning msg=\"Health check for container 3f2a failed\" container=3f2a"),
        ("billing", """{"ts":1764067200.5,"lvl":"WARN","msg":"card declined","order":{"id":991,"total":12.5}}"""),
        ("nginx", "10.0.0.1 - - [not a date] \"GET / HTTP/1.1\" 200 1"),
        ("nginx", "GET /index.html 200"),
        ("cron", "203.0.113.9 - - [25/Nov/2026:10:15:42 +0100] \"GET / HTTP/1.1\" 200 1"),
    ];

    [Fact]
    public void Real_lines_of_every_built_in_format_are_stored_alike()
    {
        AssertAlike(Real);
        // The line that is not ASCII did match, on the fast path, with its characters.
        var stored = Store([Real[11]], new PipelineMetrics(), traced: false);
        Assert.Contains("user:String=j\u00fcrgen\u2603 |", stored, StringComparison.Ordinal);
        Assert.Contains("ssh_key:String=caf\u00e9 \U0001F600", stored, StringComparison.Ordinal);
    }

    /// <summary>Values that are not valid UTF-8 (a truncated sequence, a stray continuation byte, an overlong form) are repaired alike.</summary>
    [Theory]
    [InlineData("nginx", "203.0.113.9 - - [25/Nov/2026:10:15:42 +0100] \"GET /caf\u00ff HTTP/1.1\" 200 1 \"-\" \"-\"")]
    [InlineData("billing", "{\"level\":\"info\",\"msg\":\"caf\u00ff\u00c3\",\"time\":\"2026-11-25T10:00:00Z\"}")]
    [InlineData("dockerd", "time=\"2026-11-25T10:55:00Z\" level=info msg=\"a\u00c0\u00afb\"")]
    [InlineData("worker", "plain \u0080 line")]
    public void Invalid_utf8_is_stored_alike(string service, string latin1)
    {
        // Each char below U+0100 is one byte: \u00ff, a lone \u00c3, \u00c0\u00af and \u0080 are not UTF-8.
        var bytes = latin1.Select(c => (byte)c).ToArray();
        string Stored(bool traced)
        {
            using var set = new PipelineSet(BuiltIns.Value, new PipelineMetrics());
            var batch = new EventBatch();
            batch.BeginEvent(0);
            batch.AddField(FieldNames.Message, ValueKind.String, bytes);
            batch.AddField("service", ValueKind.String, service);
            batch.AddField("tag", ValueKind.String, [0x61, 0xE2, 0x82]);
            batch.AddField("tag", ValueKind.String, "second");
            batch.EndEvent(new StreamFields(["service"]));
            var output = set.Process(batch, "test", traced ? new NullTrace() : null).Batch;
            var (start, end) = output.GetFieldRange(0);
            return string.Join(" | ", Enumerable.Range(start, end - start).Select(f => output.GetName(f) + "=" + Convert.ToHexString(output.GetValue(f))));
        }
        var slow = Stored(traced: true);
        Assert.Equal(slow, Stored(traced: false));
        if (service == "worker")
        {
            // No pipeline selects it: stored as it came, either way.
            Assert.DoesNotContain("EFBFBD", slow, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("EFBFBD", slow, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_batch_the_pipelines_leave_as_it_came_is_stored_without_a_copy()
    {
        // sshd selects these lines, but its last pattern (^.*$) captures nothing: no step writes anything.
        (string, string)[] unchanged = [("sshd", "sshd[4242]: Accepted publickey for deploy from 10.1.2.3 port 50000 ssh2"), ("cron", "CRON[1]: (root) CMD (true)"), ("sshd", "Server listening on 0.0.0.0 port 22.")];
        using var set = new PipelineSet(BuiltIns.Value, new PipelineMetrics());
        var batch = new EventBatch();
        foreach (var (service, line) in unchanged)
        {
            batch.BeginEvent(0);
            batch.AddField(FieldNames.Message, ValueKind.String, line);
            batch.AddField("service", ValueKind.String, service);
            batch.EndEvent(new StreamFields(["service"]));
        }
        Assert.Same(batch, set.Process(batch, "test").Batch);
        Assert.Equal(2, set.Metrics.Snapshot().Single(s => s.Key.Pipeline == "sshd" && s.Key.Processor == "").Value.In);
        // With one line the pipelines change, the others are copied as they came, as the general path stores them.
        AssertAlike([.. unchanged, ("sshd", "Failed password for root from 10.1.2.3 port 22 ssh2"), .. unchanged]);
    }

    [Property(MaxTest = 300)]
    public Property Json_application_logs_are_stored_alike() =>
        Prop.ForAll(Gen.ListOf(JsonLine()).Select(l => l.Select(line => ("billing", line)).ToArray()).ToArbitrary(), AssertAlike);

    private static void AssertAlike((string Service, string Line)[] events)
    {
        var fastMetrics = new PipelineMetrics();
        var slowMetrics = new PipelineMetrics();
        var fast = Store(events, fastMetrics, traced: false);
        var slow = Store(events, slowMetrics, traced: true);
        Assert.Equal(slow, fast);
        Assert.Equal(Counts(slowMetrics), Counts(fastMetrics));
    }

    private static string Store((string Service, string Line)[] events, PipelineMetrics metrics, bool traced)
    {
        using var set = new PipelineSet(BuiltIns.Value, metrics);
        var batch = new EventBatch();
        var streams = new StreamFields(["service"]);
        foreach (var (service, line) in events)
        {
            batch.BeginEvent(Timestamps.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            batch.AddField(FieldNames.Message, ValueKind.String, line);
            batch.AddField("service", ValueKind.String, service);
            batch.EndEvent(streams);
        }
        var stored = set.Process(batch, "test", traced ? new NullTrace() : null).Batch.ToLogEvents();
        return string.Join("\n", stored.Select(e => e.TimeNs.ToString(CultureInfo.InvariantCulture) + " " + string.Join(" | ", e.Fields.Select(f => $"{f.Key}:{f.Value.Kind}={f.Value.Text}"))));
    }

    private static string Counts(PipelineMetrics metrics) =>
        string.Join(", ", metrics.Snapshot().Select(s => $"{s.Key.Pipeline}/{s.Key.Processor} {s.Value.In} {s.Value.Out} {s.Value.Failed}"));

    private sealed class NullTrace : IPipelineTrace
    {
        public void Step(Pipeline pipeline, Processor processor, PipelineEvent after, bool skipped, string? error)
        {
        }
    }

    private static readonly string[] Keys = ["msg", "message", "level", "lvl", "severity", "time", "ts", "timestamp", "@t", "@m", "_time", "_msg", "_stream", "a.b", "é", "a\"b", "", "order"];

    /// <summary>A JSON value: text with escapes, numbers, booleans, null, arrays and nested objects.</summary>
    private static Gen<string> Value(int depth)
    {
        var scalar = Gen.OneOf(
            // Severities as loggers write them (the level step reads them as bytes on the fast path).
            Gen.Elements(" Warning ", "FATAL", "debug3", "Tracex", "Unknown", "\tErr\n", "İnfo", "7", "60", "61", "+3", " ", "averyveryveryverylongseveritywordbeyondthirtytwo").Select(t => JsonSerializer.Serialize(t)),
            Gen.Elements("info", "WARN", "error", "30", "2026-11-25T10:00:00Z", "2026-11-25T10:00:00.123+01:00", "not a time", "line\nbreak", "quote \" here", "é ü", "\u0001").Select(t => JsonSerializer.Serialize(t)),
            Gen.Elements("0", "-1", "12.5", "1764067200", "1764067200123", "1e3", "30"),
            Gen.Elements("true", "false", "null"),
            Gen.Elements("\"esc\\u00e9aped\"", "\"tab\\there\""));
        if (depth == 0)
        {
            return scalar;
        }
        return Gen.Frequency(
            (6, scalar),
            (1, Gen.ListOf(Value(depth - 1)).Select(v => "[" + string.Join(",", v.Take(3)) + "]")),
            (1, Object(depth - 1)));
    }

    private static Gen<string> Object(int depth) =>
        Gen.ListOf(Gen.Elements(Keys).SelectMany(k => Value(depth).Select(v => JsonSerializer.Serialize(k) + ":" + v)))
            .Select(members => "{" + string.Join(",", members.Take(6)) + "}");

    /// <summary>Mostly objects, sometimes with white space around, sometimes broken.</summary>
    private static Gen<string> JsonLine() =>
        from obj in Object(2)
        from form in Gen.Choose(0, 9)
        select form switch
        {
            0 => "  " + obj + " ",
            1 => obj + " trailing",
            2 => obj[..^1],
            3 => obj + "{}",
            _ => obj,
        };
}
