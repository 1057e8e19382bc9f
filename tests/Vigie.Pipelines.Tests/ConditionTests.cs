using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Tests;

/// <summary>
/// A condition's batch form (on the batch's bytes, fields found by name id, cheap operands first, anchored
/// regexes tried on the value's first bytes) against its row form (the query engine's matchers).
/// </summary>
public class ConditionTests
{
    private static readonly string[] Conditions =
    [
        @"service:nginx AND _msg:/^(\S+ \S+ \S+ \[|\d{4}\/\d\d\/\d\d )/",
        @"_msg:/^\s*\{/ AND NOT service:traefik",
        @"(service:apache OR service:httpd) AND _msg:/^(\S+ \S+ \S+ \[|\[\w{3} \w{3} )/",
        @"_msg:/^a+é/",
        @"_msg:/^.{70}/",
        @"_msg:/^(?:x|é)*y$/",
        @"_msg:/^\w+\b/",
        @"_msg:/^é{3}/ OR level:error",
        "NOT _msg:/^{/ AND level:*",
        "service:nginx",
        // Decided on the first byte when it is ASCII (after ASCII white space for \s*); else by the regex.
        @"_msg:/^\s*\[/",
        @"_msg:/^\d{4}-\d\d/",
        @"_msg:/^time=/",
        @"_msg:/^\s*?y+/",
        @"_msg:/^x?y/",
        @"_msg:/^x{0,2}y/",
        @"_msg:/^\s+\{/",
        @"_msg:/^(?i)y/",
    ];

    /// <summary>Values longer than the prefix tried first, with characters of two and three bytes around its end.</summary>
    private static Gen<string> Message() =>
        Gen.OneOf(
            Gen.ListOf(Gen.Elements("a", "é", "€", " ", "x", "y", "Y", "[", "{", "1", "/", "-", "203.0.113.9 - - [", "2026/11/25 ", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "\t", "\n", "\u00a0", "\u2003", "\u0663", "2026-11-25 ", "time=", "t")).Select(parts => string.Concat(parts)),
            Gen.Choose(55, 75).SelectMany(n => Gen.Elements("é", "€", "a").Select(c => new string('a', n) + c + "é{")));

    [Property(MaxTest = 300)]
    public Property Batch_form_answers_as_the_row_form() =>
        Prop.ForAll(Message().ToArbitrary(), Gen.Elements("nginx", "traefik", "apache", "billing").ToArbitrary(), Gen.Elements("", "error", "info").ToArbitrary(), (msg, service, level) =>
        {
            var batch = new EventBatch();
            batch.BeginEvent(0);
            batch.AddField("host", ValueKind.String, "web-1");
            batch.AddField(FieldNames.Message, ValueKind.String, msg);
            batch.AddField("service", ValueKind.String, service);
            if (level.Length > 0)
            {
                batch.AddField("level", ValueKind.String, level);
            }
            batch.EndEvent(new StreamFields(["service"]));
            var row = new BatchEventRow(batch);
            foreach (var text in Conditions)
            {
                var condition = new Condition(text, Vigie.Query.Syntax.Query.Parse(text).Filter, 0);
                row.Index = 0;
                Assert.True(condition.Matches(row) == condition.Matches(batch, 0, row), $"{text} on {msg}");
            }
        });

    [Fact]
    public void A_long_value_whose_match_ends_beyond_the_first_bytes_is_matched()
    {
        var text = "_msg:/^a{100}b/";
        var condition = new Condition(text, Vigie.Query.Syntax.Query.Parse(text).Filter, 0);
        var batch = new EventBatch();
        batch.BeginEvent(0);
        batch.AddField(FieldNames.Message, ValueKind.String, Encoding.UTF8.GetBytes(new string('a', 100) + "b"));
        batch.EndEvent(StreamKey.Empty);
        Assert.True(condition.Matches(batch, 0, new BatchEventRow(batch)));
    }

    [Fact]
    public void A_condition_made_after_the_row_was_first_read_finds_its_fields()
    {
        var batch = new EventBatch();
        batch.BeginEvent(0);
        batch.AddField(FieldNames.Message, ValueKind.String, "started");
        batch.AddField("condition-slot-late", ValueKind.String, "yes");
        batch.EndEvent(StreamKey.Empty);
        var row = new BatchEventRow(batch);
        var first = new Condition("_msg:started", Vigie.Query.Syntax.Query.Parse("_msg:started").Filter, 0);
        Assert.True(first.Matches(batch, 0, row));

        // As after a reload: a new name gets a slot while the same event is being tested.
        var late = new Condition("condition-slot-late:yes", Vigie.Query.Syntax.Query.Parse("condition-slot-late:yes").Filter, 0);

        Assert.True(late.Matches(batch, 0, row));
    }
}
