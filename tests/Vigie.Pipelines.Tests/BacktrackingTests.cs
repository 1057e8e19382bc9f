using System.Text;
using System.Text.RegularExpressions;
using Vigie.Core;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Processors;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// Every grok expression of the built-in pipelines on long lines that almost match: a line of 4 to 64 KB
/// must be decided within the match timeout the processor has, not run out of it (catastrophic
/// backtracking would make each such line cost the timeout, and tag it as failed). The access-log
/// expressions are decided by the hand-written matcher on these (ASCII) lines.
/// </summary>
public class BacktrackingTests
{
    /// <summary>One real line per built-in format: the near misses are built from them.</summary>
    private static readonly string[] Seeds =
    [
        "203.0.113.9 - alice [25/Nov/2026:10:15:42 +0100] \"POST /api/login?next=%2F HTTP/2.0\" 401 153 \"https://shop.example.org/\" \"Mozilla/5.0 (X11)\"",
        "2026/11/25 10:16:01 [error] 3170#3170: *1127 open() \"/var/www/html/x.php\" failed (2: No such file or directory), client: 198.51.100.23, server: example.org, request: \"GET /x.php HTTP/1.1\", upstream: \"http://10.0.0.2/\", host: \"example.org\", referrer: \"http://a/\"",
        "[Wed Nov 25 10:20:33.512345 2026] [core:error] [pid 8812:tid 140071] (13)Permission denied: [client 192.0.2.10:53212] AH00126: Invalid URI in request GET /%%% HTTP/1.1",
        "10.0.0.5 - - [25/Nov/2026:10:30:00 +0000] \"GET /whoami HTTP/1.1\" 200 412 \"-\" \"curl/8.5.0\" 37 \"whoami@docker\" \"http://172.18.0.3:80\" 4ms",
        "2026-11-25 10:40:12.345 UTC [2219] app@shop ERROR:  duplicate key value violates unique constraint \"users_email_key\"",
        "Nov 25 10:50:01 web-1.example.org sshd[9121]: Failed password for invalid user admin from 2001:db8::7 port 41234 ssh2",
        "Nov 25 10:50:01 web-1 sshd[9121]: Disconnected from authenticating user root 203.0.113.50 port 41234 [preauth]",
        "Nov 25 10:50:01 web-1 sshd[9121]: Received disconnect from 203.0.113.50 port 41234:11: Bye Bye [preauth]",
        "Nov 25 10:50:01 web-1 sshd[9121]: pam_unix(sshd:session): session opened for user deploy by (uid=0)",
        "time=\"2026-11-25T10:55:00.123456789Z\" level=warning msg=\"Health check for container 3f2a failed\" container=3f2a",
        "{\"level\":\"info\",\"msg\":\"order paid\",\"time\":\"2026-11-25T10:00:00Z\"}",
    ];

    /// <summary>Pieces of the formats that a regex may try to take in more than one way, repeated to make a line long.</summary>
    private static readonly string[] Fillers =
    [
        "a", " ", "a ", "\"", "\" \"", "\" 1 \"", ", client: 1.2.3.4", ", server: a", ", host: \"a\"", "a@", "@a ", "1.", "1.2.3.4.", "a-", "a.", "::", "1:",
        "[", "] ", "(1)", ": ", ":  ", "Failed ", " for ", " from 1.2.3.4 port 1", " port 1", "[pid 1] ", "sshd[1]: ", "time=", "=\"", "\\\"", "{\"a\":", "0",
        ", upstream: \"a", ", host: \"a", ", referrer: \"a", ", server: a, request: \"GET /", " (1)a:", " [client a", " a@b", "\" 1 \"a\" \"b", "\" \"a\" 1",
    ];

    private static readonly int[] Sizes = [4 * 1024, 64 * 1024];

    [Fact]
    public void Built_in_patterns_decide_long_near_misses_within_their_timeout()
    {
        var regexes = BuiltInRegexes();
        Assert.NotEmpty(regexes);
        var timedOut = new List<string>();
        var groups = new (int Start, int Length)[AccessLogParser.MaxCaptures];
        foreach (var line in NearMisses())
        {
            foreach (var (name, expression) in regexes)
            {
                if (expression.AccessLog is { } parser)
                {
                    // ASCII lines go to the hand-written matcher, which has no timeout: it must answer (it is linear).
                    Assert.NotNull(parser.TryMatch(line, groups));
                    continue;
                }
                try
                {
                    expression.Regex.IsMatch(line);
                }
                catch (RegexMatchTimeoutException)
                {
                    timedOut.Add($"{name} on {line.Length} chars: {line[..Math.Min(80, line.Length)]}...");
                }
            }
        }
        Assert.True(timedOut.Count == 0, $"{timedOut.Count} matches ran out of time:\n{string.Join("\n", timedOut.Take(20))}");
    }

    [Fact]
    public void Built_in_pipelines_tag_no_long_near_miss_with_a_timeout()
    {
        using var set = new PipelineSet(PipelineConfigLoader.BuiltInsOnly(), new PipelineMetrics());
        var batch = new EventBatch();
        var streams = new StreamFields(["service"]);
        string[] services = ["nginx", "apache", "traefik", "postgresql", "sshd", "docker", "billing"];
        foreach (var line in NearMisses().Where((_, i) => i % 7 == 0))
        {
            foreach (var service in services)
            {
                batch.BeginEvent(0);
                batch.AddField(FieldNames.Message, ValueKind.String, line);
                batch.AddField("service", ValueKind.String, service);
                batch.EndEvent(streams);
            }
        }
        var stored = set.Process(batch, "test").Batch.ToLogEvents().ToList();
        Assert.Equal(batch.Count, stored.Count);
        var errors = stored.SelectMany(e => e.Fields).Where(f => f.Key == Pipeline.ErrorField).Select(f => f.Value.Text).ToList();
        Assert.DoesNotContain(errors, e => e.Contains("timed out", StringComparison.Ordinal));
    }

    /// <summary>The grok expressions of the built-in pipelines, with the timeout they run with.</summary>
    private static List<(string Name, GrokExpression Expression)> BuiltInRegexes()
    {
        var list = new List<(string, GrokExpression)>();
        foreach (var pipeline in PipelineConfigLoader.BuiltInsOnly())
        {
            foreach (var grok in pipeline.Processors.OfType<GrokProcessor>())
            {
                foreach (var expression in grok.Patterns)
                {
                    Assert.NotEqual(Regex.InfiniteMatchTimeout, expression.Regex.MatchTimeout);
                    list.Add(($"{pipeline.Name}: {expression.Source}", expression));
                }
            }
        }
        return list;
    }

    /// <summary>
    /// Each seed with a filler repeated in its middle or after it, then spoilt at the end (a line break, then text: <c>$</c> and <c>DATA</c> cannot reach past it).
    /// </summary>
    private static IEnumerable<string> NearMisses()
    {
        for (var s = 0; s < Seeds.Length; s++)
        {
            var seed = Seeds[s];
            for (var f = 0; f < Fillers.Length; f++)
            {
                var filler = Fillers[f];
                foreach (var size in Sizes)
                {
                    if (size > 16 * 1024 && (s + f) % 3 != 0)
                    {
                        // The longest lines for a third of the pairs (each filler with a third of the seeds): the test stays short.
                        continue;
                    }
                    var repeated = new StringBuilder(size + seed.Length);
                    while (repeated.Length < size)
                    {
                        repeated.Append(filler);
                    }
                    var run = repeated.ToString();
                    yield return seed[..(seed.Length / 2)] + run + seed[(seed.Length / 2)..] + "\nx";
                    if (size < 16 * 1024)
                    {
                        // After the line too, shorter: the whole test stays within seconds.
                        yield return seed + run + "\nx";
                    }
                }
            }
        }
    }
}
