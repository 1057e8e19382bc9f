using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// Event queries and prefix searches over messages built from random templates of random fields
/// (<see cref="TemplateTermSearchProperties.RandomParts"/>): an event scan judges the message's templates,
/// rebuilds only the rows a filter leaves open and makes the message of the rows it returns alone,
/// and must return the reference evaluator's events, in its order, every field byte for byte.
/// </summary>
public sealed class TemplateEventScanProperties
{
    private static int _templateBlocks;

    [Fact]
    public void EventsAndPrefixes_OverTemplatedMessages_EqualReferenceEvaluator()
    {
        _templateBlocks = 0;
        var cases = Gen.Choose(0, int.MaxValue).ToArbitrary();
        Prop.ForAll(cases, Check).Check(Config.QuickThrowOnFailure.WithMaxTest(120));
        Assert.True(_templateBlocks > 25, $"only {_templateBlocks} template blocks");
    }

    /// <summary>The start of a word of the text (or of the vocabulary), maybe with the words before it.</summary>
    private static string Prefix(Random r, string text)
    {
        var tokens = Tokenizer.Tokens(text);
        if (r.Next(4) == 0 || tokens.Count == 0)
        {
            var word = TemplateTermSearchProperties.Word(r);
            return word[..r.Next(1, word.Length + 1)];
        }
        if (r.Next(3) == 0)
        {
            // words across pieces with what lies between them, the last one cut
            var span = TemplateTermSearchProperties.Span(r, text);
            return TemplateTermSearchProperties.Flip(r, span[..Math.Max(1, span.Length - r.Next(0, 3))]);
        }
        var token = tokens[r.Next(tokens.Count)];
        return TemplateTermSearchProperties.Flip(r, token[..r.Next(1, token.Length + 1)]);
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", " ", StringComparison.Ordinal) + "\"";

    private static void Check(int seed)
    {
        var r = new Random(seed);
        var parts = TemplateTermSearchProperties.RandomParts(r);
        using var dir = new TempDirectory();
        using var store = StoreOfParts.Open(dir, parts);
        using (var snapshot = store.AcquireSnapshot())
        {
            _templateBlocks += snapshot.Parts.SelectMany(p => p.Reader.Blocks).Count(b => b.FindColumn("_msg")!.Encoding == ColumnEncoding.Template);
        }
        var events = parts.SelectMany(p => p).ToList();
        var engine = new QueryEngine(store);
        string Message() => events[r.Next(events.Count)].Fields[0].Value.Text;
        var queries = new List<string>();
        for (var q = 0; q < 4; q++)
        {
            var tokens = Tokenizer.Tokens(Message());
            var word = r.Next(2) == 0 || tokens.Count == 0 ? TemplateTermSearchProperties.Word(r) : TemplateTermSearchProperties.Flip(r, tokens[r.Next(tokens.Count)]);
            var phrase = TemplateTermSearchProperties.Flip(r, TemplateTermSearchProperties.Span(r, Message()));
            var limit = r.Next(3) switch { 0 => 3, 1 => 70, _ => 1000 };
            queries.Add($"{word} | limit {limit}");
            queries.Add($"{Quote(phrase)} | limit {limit}");
            queries.Add($"{Quote(Prefix(r, Message()))}* | limit {limit}");
            queries.Add($"{Quote(Prefix(r, Message()))}* | stats count()");
            queries.Add($"{Quote(Prefix(r, Message()))}* | stats count() by (b)");
        }
        for (var q = 0; q < 12; q++)
        {
            // prefixes of the messages' own words, those across a literal and a value among them
            queries.Add($"{Quote(Prefix(r, Message()))}* | stats count()");
        }
        var vocabulary = TemplateTermSearchProperties.Vocabulary[r.Next(TemplateTermSearchProperties.Vocabulary.Length)];
        queries.Add($"{TemplateTermSearchProperties.Word(r)}");
        queries.Add($"{Quote(Prefix(r, Message()))}*");
        queries.Add("*");
        queries.Add("* | limit 90");
        queries.Add($"n:>{r.Next(-20, 40).ToString(CultureInfo.InvariantCulture)} | limit 75");
        queries.Add($"_msg:/{vocabulary}/ | limit 80");
        queries.Add($"_msg:/{vocabulary}/ | stats count() by (b)");
        queries.Add($"_msg:{r.Next(-20, 40).ToString(CultureInfo.InvariantCulture)} | limit 50");
        queries.Add($"NOT {TemplateTermSearchProperties.Word(r)} | limit 100");
        queries.Add($"{TemplateTermSearchProperties.Word(r)} OR {Quote(Prefix(r, Message()))}* | limit 100");
        queries.Add($"{Quote(Prefix(r, Message()))}* _msg:/{vocabulary}/ | limit 100");
        foreach (var text in queries)
        {
            ReferenceAgreement.AssertSameAnswer(engine, events, text, Events.Now, $" (seed {seed})");
        }
    }
}
