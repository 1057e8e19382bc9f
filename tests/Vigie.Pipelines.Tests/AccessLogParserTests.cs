using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Core;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Model;
using Vigie.Pipelines.Processors;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// The hand-written access-log matcher against the regex it stands in for: same answer, same captures,
/// on real lines, on random lines near the format and on random noise; and through whole pipelines,
/// the fast path against the slow one, failures included.
/// </summary>
public class AccessLogParserTests
{
    private static readonly GrokExpression Combined = GrokExpression.Compile("^%{COMBINEDAPACHELOG}");
    private static readonly GrokExpression Common = GrokExpression.Compile("^%{COMMONAPACHELOG}$");
    private static readonly GrokExpression Traefik = GrokExpression.Compile("^%{TRAEFIKCLF}");

    public static TheoryData<string> RealLines() => [.. Real];

    private static readonly string[] Real =
    [
        "93.184.216.34 - frank [10/Oct/2026:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"",
        "192.168.1.20 - - [25/Nov/2026:10:01:02 +0100] \"POST /api/v1/orders?page=2 HTTP/1.1\" 201 512 \"-\" \"curl/8.5.0\"",
        "2001:db8::1 - - [25/Nov/2026:10:01:02 +0000] \"GET / HTTP/2.0\" 304 - \"-\" \"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"-\" 400 0 \"-\" \"-\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"\\x16\\x03\\x01\\x00\\xF1\\x01\" 400 157 \"-\" \"-\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"GET /weird\"path HTTP/1.1\" 200 1 \"-\" \"-\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"GET /no-version\" 200 1 \"-\" \"-\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"\" 408 - \"-\" \"-\"",
        "10.0.0.1 - - [5/November/2026:7:01:02.123 +0000] \"GET / HTTP/1.1\" 200 1 \"a \" \"b\" \"c\" extra",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"GET / HTTP/1.1\" 200 1",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"GET / HTTP/1.1\" 200 -\n",
        "10.0.0.1 - - [25/Nov/2026:24:01:02 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"",
        "10.0.0.1 - - [32/Nov/2026:10:01:02 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"GET / HTTP/1.1\" 99999999999999999999 1 \"-\" \"-\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"GET / HTTP/1.1\" +200 007 \"-\" \"-\"",
        "10.0.0.1\t- - [25/Nov/2026:10:01:02 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"GET / HTTP/1.1\" 200 1 \"line\nbreak\" \"-\"",
        "10.0.0.1 - - [25/Nov/2026:10:01:02 +0000] \"GET /é HTTP/1.1\" 200 1 \"-\" \"-\"",
        "2026/11/25 10:01:02 [error] 1234#0: *5 open() \"/usr/share/nginx/html/x\" failed (2: No such file or directory)",
        "10.0.0.5 - - [25/Nov/2026:10:30:00 +0000] \"GET /whoami HTTP/1.1\" 200 412 \"-\" \"curl/8.5.0\" 37 \"whoami@docker\" \"http://172.18.0.3:80\" 4ms",
        "192.0.2.7 - alice [25/Nov/2026:10:30:00 +0000] \"POST /api HTTP/2.0\" 502 11 \"https://a.example/\" \"Mozilla/5.0 (X11)\" 1204 \"api-router@file\" \"http://10.0.0.8:8080\" 30001ms",
        "10.0.0.5 - - [25/Nov/2026:10:30:00 +0000] \"GET / HTTP/1.1\" 404 19 \"-\" \"-\" 1 \"-\" \"-\" 0ms",
        "10.0.0.5 - - [25/Nov/2026:10:30:00 +0000] \"GET / HTTP/1.1\" 200 1 \"a\" \"b\" 2 \"c\" \"d\" 3ms\" \"e\" 4 \"f\" \"g\" 5ms",
        "10.0.0.5 - - [25/Nov/2026:10:30:00 +0000] \"GET / HTTP/1.1\" 200 1 \"a\" \"b\" 2 \"c\" \"d\" 3m",
    ];

    [Theory]
    [MemberData(nameof(RealLines))]
    public void Real_lines_give_what_the_regex_gives(string line)
    {
        AssertSame(Combined, line);
        AssertSame(Common, line);
        AssertSame(Traefik, line);
    }

    [Fact]
    public void Only_the_library_expressions_get_the_hand_matcher()
    {
        Assert.NotNull(Combined.AccessLog);
        Assert.NotNull(Common.AccessLog);
        Assert.NotNull(Traefik.AccessLog);
        Assert.Null(GrokExpression.Compile("^%{TRAEFIKCLF}$").AccessLog);
        Assert.Null(GrokExpression.Compile("^%{COMMONAPACHELOG}").AccessLog);
        Assert.Null(GrokExpression.Compile("^%{COMBINEDAPACHELOG}", anchored: true).AccessLog);
        // A user pattern that changes a part changes the expression: the regex decides.
        Assert.Null(GrokExpression.Compile("^%{COMBINEDAPACHELOG}", new Dictionary<string, string> { ["INT"] = "[0-9]+" }).AccessLog);
    }

    [Property(MaxTest = 3000)]
    public Property Lines_near_the_format_give_what_the_regex_gives() =>
        Prop.ForAll(NearLines().ToArbitrary(), line =>
        {
            AssertSame(Combined, line);
            AssertSame(Common, line);
            AssertSame(Traefik, line);
        });

    [Property(MaxTest = 1000)]
    public Property Noise_gives_what_the_regex_gives() =>
        Prop.ForAll(Gen.ListOf(Gen.Elements(Fragments)).Select(f => string.Concat(f)).ToArbitrary(), line =>
        {
            AssertSame(Combined, line);
            AssertSame(Common, line);
            AssertSame(Traefik, line);
        });

    /// <summary>
    /// Whole pipelines: the fast path (bytes, hand matcher) against the slow path (a traced run) with the
    /// hand matcher and with the regex alone: same stored events, same <c>_pipeline_error</c>, same counts.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Fast_and_slow_paths_store_the_same_events() =>
        Prop.ForAll(Gen.ListOf(Gen.OneOf(NearLines(), Gen.Elements(Real))).Select(l => l.ToArray()).ToArbitrary(), lines =>
        {
            var fastMetrics = new PipelineMetrics();
            var slowMetrics = new PipelineMetrics();
            var fast = Store(HandPipelines.Value, lines, fastMetrics, traced: false);
            var slow = Store(HandPipelines.Value, lines, slowMetrics, traced: true);
            var regex = Store(RegexPipelines.Value, lines, new PipelineMetrics(), traced: true);
            Assert.Equal(Render(slow), Render(fast));
            Assert.Equal(Render(regex), Render(fast));
            Assert.Equal(Counts(slowMetrics), Counts(fastMetrics));
            var failed = fast.Count(e => e.Fields.Any(f => f.Key == Pipeline.ErrorField));
            Assert.Equal(failed, fastMetrics.For("web", "").Failed);
            Assert.Equal(lines.Length, fastMetrics.For("web", "").In);
        });

    private const string HandYaml = """
        pipelines:
          web:
            if: 'service:nginx'
            processors:
              - grok: {patterns: ['^%{TRAEFIKCLF}', '^%{COMBINEDAPACHELOG}', '^%{COMMONAPACHELOG}$']}
              - date: {field: timestamp, formats: [HTTPDATE]}
              - remove: {fields: [timestamp]}
        """;

    // Compiled once: a grok expression costs a regex compilation.
    private static readonly Lazy<IReadOnlyList<Pipeline>> HandPipelines = new(() => Run.Config(HandYaml));

    // The same expressions spelt so that the hand matcher does not recognise them.
    private static readonly Lazy<IReadOnlyList<Pipeline>> RegexPipelines = new(() => Run.Config(
        HandYaml.Replace("'^%{TRAEFIKCLF}', '^%{COMBINEDAPACHELOG}', '^%{COMMONAPACHELOG}$'", "'^(?:%{TRAEFIKCLF})', '^(?:%{COMBINEDAPACHELOG})', '^(?:%{COMMONAPACHELOG})$'", StringComparison.Ordinal)));

    private static string Counts(PipelineMetrics metrics) =>
        string.Join(", ", metrics.Snapshot().Select(s => $"{s.Key.Pipeline}/{s.Key.Processor} {s.Value.In} {s.Value.Out} {s.Value.Failed}"));

    [Fact]
    public void A_line_that_fails_is_stored_as_it_came_and_tagged()
    {
        var line = "not an access line";
        var stored = Store(Run.Config("""
            pipelines:
              web:
                if: 'service:nginx'
                processors:
                  - grok: {pattern: '^%{COMBINEDAPACHELOG}'}
            """), [line], new PipelineMetrics(), traced: false);
        var e = Assert.Single(stored);
        Assert.Equal(line, e.Fields.Single(f => f.Key == FieldNames.Message).Value.Text);
        Assert.Equal("web/grok: '_msg' does not match ^%{COMBINEDAPACHELOG}", e.Fields.Single(f => f.Key == Pipeline.ErrorField).Value.Text);
    }

    private static List<LogEvent> Store(IReadOnlyList<Pipeline> pipelines, string[] lines, PipelineMetrics metrics, bool traced)
    {
        using var set = new PipelineSet(pipelines, metrics);
        var batch = new EventBatch();
        var streams = new StreamFields(["service"]);
        foreach (var line in lines)
        {
            batch.BeginEvent(Timestamps.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            batch.AddField(FieldNames.Message, ValueKind.String, line);
            batch.AddField("service", ValueKind.String, "nginx");
            batch.EndEvent(streams);
        }
        return [.. set.Process(batch, "test", traced ? new NullTrace() : null).Batch.ToLogEvents()];
    }

    private static string Render(List<LogEvent> events) =>
        string.Join("\n", events.Select(e => e.TimeNs.ToString(CultureInfo.InvariantCulture) + " " + string.Join(" | ", e.Fields.Select(f => $"{f.Key}:{f.Value.Kind}={f.Value.Text}"))));

    private sealed class NullTrace : IPipelineTrace
    {
        public void Step(Pipeline pipeline, Processor processor, PipelineEvent after, bool skipped, string? error)
        {
        }
    }

    private static void AssertSame(GrokExpression expression, string line)
    {
        var parser = expression.AccessLog!;
        var groups = new (int Start, int Length)[AccessLogParser.MaxCaptures];
        var hand = parser.TryMatch(line, groups);
        var match = expression.Regex.Match(line);
        if (hand is null)
        {
            Assert.False(System.Text.Ascii.IsValid(line), $"the hand matcher gave up on an ASCII line: {line}");
            return;
        }
        Assert.True(match.Success == hand.Value, $"regex {match.Success}, hand {hand}: {line}");
        if (!match.Success)
        {
            return;
        }
        for (var k = 0; k < expression.Captures.Count; k++)
        {
            var group = match.Groups[expression.Captures[k].Group];
            var (start, length) = groups[k];
            var mine = start < 0 ? null : line.Substring(start, length);
            Assert.True((group.Success ? group.Value : null) == mine, $"'{expression.Captures[k].Field}': regex '{(group.Success ? group.Value : null)}', hand '{mine}': {line}");
        }
    }

    private static readonly string[] Fragments =
    [
        " ", " ", " ", "\"", "\"", "\" \"", "-", "[", "]", "\t", "\n", "/", ":", ".", "+", "0", "1", "2", "9", "42", "200", "GET", "HTTP/1.1", "HTTP/", "x", "_", "é",
        "10.0.0.1", "25/Nov/2026:10:01:02 +0100", "[25/Nov/2026:10:01:02 +0100]", "Nov", "2026", ":10", "ms",
    ];

    /// <summary>A column: mostly one of the values the format allows, sometimes one it refuses (or that a greedy regex could misread).</summary>
    private static Gen<string> Piece(string[] valid, string[] invalid) =>
        Gen.Frequency((6, Gen.Elements(valid)), (1, Gen.Elements(invalid)));

    /// <summary>Lines built column by column from valid and invalid choices, then sometimes damaged here and there.</summary>
    private static Gen<string> NearLines()
    {
        var line =
            from client in Piece(["10.0.0.1", "2001:db8::1", "host-a", "-"], ["", "a\tb", "é"])
            from ident in Piece(["-", "frank"], ["", "a b"])
            from user in Piece(["-", "bob@example.com"], [""])
            from day in Piece(["25", "5", "05", "31", "3", "10", "20", "29", "30", "09"], ["00", "0", "32", "123", "35"])
            from month in Piece(["Nov", "nov", "November", "May", "Jun", "June", "Sep", "September"], ["NOV", "Sept", "Mayx", "Ju"])
            from year in Piece(["2026", "26"], ["202", "20266", "2"])
            from hour in Piece(["10", "7", "07", "23", "00", "19"], ["24", "123", "29"])
            from minute in Piece(["01", "59", "00"], ["60", "1", "123"])
            from second in Piece(["02", "2", "59", "60", "02.123", "02,5", "02:1"], ["61", "02.", "599", "75"])
            from zone in Piece(["+0100", "-0700", "0000"], ["+", "-12345x", ""])
            from method in Piece(["GET", "POST", "G_1"], ["", "-", "GE T", "\"", "GET\""])
            from path in Piece(["/", "/a?b=c", "/a\"b"], ["/a\" 200 1 \"", "", "/x y", "/a\"\"b\""])
            from version in Piece([" HTTP/1.1", " HTTP/2", " HTTP/.5", " HTTP/+1", ""], [" HTTP/1.", " HTTP/x", " HTTP/1.1 extra", " HTTP/-"])
            from status in Piece(["200", "404", "+200", "-1", "007"], ["", "2x", "99999999999999999999"])
            from bytes in Piece(["512", "-", "0", "-5"], ["", "+", "1x"])
            from referrer in Piece(["\"-\"", "\"http://a/\"", "\"a \" \"b\"", "\"\"", "\"a\rb\""], ["\"open", "-", "\"a\nb\""])
            from agent in Piece([" \"curl/8.5.0\"", " \"Mozilla/5.0 (X11)\"", " \"\"", " \"a\"b\"", " \"a\" 1 \"b\"", " \"a\" 7 \"r\" \"b\" 9ms\""], [" \"open", "", " \"a\nb\"", " \"a\n\"", " \"a\n\"b\""])
            from tail in Piece(
                ["", "\n", " extra", " 3 \"router\" \"http://b\" 12ms", " 3 \"router\" \"http://b\" 12ms\n", " 0 \"r\" \"x\" \"b\" 1ms", " 3 \"r\" \"b\" 2ms\" \"c\" 4 \"d\" \"e\" 5ms", " +3 \"\" \"\" -4ms", " 3 \"r\" \"b\" 4msx"],
                ["\n\n", "\nx", " 3 \"r\" \"b\" 12", " x \"r\" \"b\" 1ms", " 3 \"r\"\"b\" 1ms", " 3 \"r\n\" \"b\" 1ms", " 3 \"r\" \"b\" 1 ms", " 3 \"r\" \"b\n\" 1ms"])
            from combined in Gen.Elements(true, false)
            select $"{client} {ident} {user} [{day}/{month}/{year}:{hour}:{minute}:{second} {zone}] \"{method} {path}{version}\" {status} {bytes}" + (combined ? $" {referrer}{agent}" : "") + tail;
        var damage =
            from kind in Gen.Choose(0, 3)
            from at in Gen.Choose(0, 1000)
            from fragment in Gen.Elements(Fragments)
            select (Func<string, string>)(l => kind switch
            {
                0 when l.Length > 0 => l.Remove(at % l.Length, 1),
                1 => l.Insert(at % (l.Length + 1), fragment),
                _ => l,
            });
        return from l in line
               from damages in Gen.ListOf(damage).Select(d => d.Take(3))
               select damages.Aggregate(l, (text, d) => d(text));
    }
}
