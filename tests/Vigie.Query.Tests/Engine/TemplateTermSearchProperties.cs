using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Query.Reference;
using Vigie.Query.Rows;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// Word and phrase searches over messages built from random templates of random fields (raw texts,
/// dictionaries, constants, integers, decimals, addresses), with word bytes at the literals' and values'
/// edges, mixed case, the searched words inside values and literals and across them, and free-text
/// rows: the store judges template blocks template by template, and must answer as the reference
/// evaluator does over the events.
/// </summary>
public sealed class TemplateTermSearchProperties
{
    internal static readonly string[] Vocabulary = ["foo", "bar", "foobar", "ab", "abc", "x_y", "12", "7", "conn", "refused", "é"];

    private static readonly string[] Separators = [" ", " ", "-", "/", "=", "\"", "", ". ", "."];

    private static readonly string[] Fields = ["a", "b", "k", "n", "d", "ip"];

    private static int _templateBlocks;

    [Fact]
    public void WordsAndPhrases_OverTemplatedMessages_EqualReferenceEvaluator()
    {
        _templateBlocks = 0;
        var cases = Gen.Choose(0, int.MaxValue).ToArbitrary();
        Prop.ForAll(cases, Check).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
        Assert.True(_templateBlocks > 30, $"only {_templateBlocks} template blocks");
    }

    internal static string Word(Random r)
    {
        var w = Vocabulary[r.Next(Vocabulary.Length)];
        return r.Next(3) == 0 ? w.ToUpperInvariant() : r.Next(3) == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w;
    }

    /// <summary>A few words with separators, maybe none between two of them (a longer word).</summary>
    internal static string Text(Random r, int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                text.Append(Separators[r.Next(Separators.Length)]);
            }
            text.Append(Word(r));
        }
        return text.ToString();
    }

    /// <summary>The word with some of its letters' case changed.</summary>
    internal static string Flip(Random r, string word) => string.Concat(word.Select(c => r.Next(4) == 0 ? char.ToUpperInvariant(c) : c));

    /// <summary>Two or three words of a text with what lies between them (its numbers and addresses too).</summary>
    internal static string Span(Random r, string text)
    {
        var words = Regex.Matches(text, "[A-Za-z0-9_]+");
        if (words.Count < 2)
        {
            return text;
        }
        var first = r.Next(words.Count - 1);
        var last = Math.Min(words.Count - 1, first + r.Next(1, 3));
        return text[words[first].Index..(words[last].Index + words[last].Length)];
    }

    private static void Check(int seed)
    {
        var r = new Random(seed);
        var parts = RandomParts(r);
        using var dir = new TempDirectory();
        using var store = StoreOfParts.Open(dir, parts);
        using (var snapshot = store.AcquireSnapshot())
        {
            _templateBlocks += snapshot.Parts.SelectMany(p => p.Reader.Blocks).Count(b => b.FindColumn("_msg")!.Encoding == ColumnEncoding.Template);
        }
        var events = parts.SelectMany(p => p).ToList();
        var engine = new QueryEngine(store);
        var queries = new List<string>();
        for (var q = 0; q < 12; q++)
        {
            // half the words from the messages themselves: those across a literal and a value among them
            var tokens = Tokenizer.Tokens(events[r.Next(events.Count)].Fields[0].Value.Text);
            var word = r.Next(2) == 0 || tokens.Count == 0 ? Word(r) : Flip(r, tokens[r.Next(tokens.Count)]);
            var phrase = (r.Next(2) == 0 ? Text(r, r.Next(2, 4)) : Flip(r, Span(r, events[r.Next(events.Count)].Fields[0].Value.Text))).Replace("\"", " ", StringComparison.Ordinal);
            queries.Add($"{word} | stats count()");
            queries.Add($"\"{phrase}\" | stats count()");
        }
        queries.Add($"{Word(r)} | stats count() by (host)");
        queries.Add($"NOT {Word(r)} | stats count()");
        queries.Add($"{Word(r)} OR \"{Text(r, 2).Replace("\"", " ", StringComparison.Ordinal)}\" | stats count()");
        queries.Add($"{Word(r)} {Word(r)} | stats count() by (b)");
        queries.Add($"{Word(r)} | stats count(), min(_msg)");
        queries.Add($"_msg:/{Vocabulary[r.Next(Vocabulary.Length)]}/ {Word(r)} | stats count()");
        queries.Add($"{Word(r)}");
        foreach (var text in queries)
        {
            ReferenceAgreement.AssertSameAnswer(engine, events, text, Events.Now, $" (seed {seed})");
        }
    }

    /// <summary>
    /// One or two parts of events whose <c>_msg</c> follows a few random templates over the fields
    /// <c>a</c> (free text), <c>b</c> (three values), <c>k</c> (a constant), <c>n</c> (integers),
    /// <c>d</c> (decimals) and <c>ip</c> (addresses), one in eight free text; <c>_msg</c> is each event's first field.
    /// </summary>
    internal static List<List<LogEvent>> RandomParts(Random r)
    {
        var parts = new List<List<LogEvent>>();
        var n = 0;
        for (var p = r.Next(1, 3); p > 0; p--)
        {
            var part = new List<LogEvent>();
            // a template: pieces, a literal (string) or a field's index (int)
            var templates = new List<List<object>>();
            for (var t = r.Next(1, 6); t > 0; t--)
            {
                var pieces = new List<object>();
                for (var i = r.Next(2, 7); i > 0; i--)
                {
                    pieces.Add(r.Next(2) == 0 ? r.Next(Fields.Length) : Separators[r.Next(Separators.Length)] + (r.Next(2) == 0 ? Text(r, r.Next(1, 3)) : "") + Separators[r.Next(Separators.Length)]);
                }
                templates.Add(pieces);
            }
            var bValues = Enumerable.Range(0, 3).Select(_ => Text(r, 2)).ToArray();
            var constant = Text(r, 2);
            for (var s = r.Next(1, 3); s > 0; s--)
            {
                var stream = StreamKey.Create([new("host", "h" + s.ToString(CultureInfo.InvariantCulture))]);
                for (var i = r.Next(20, 250); i > 0; i--, n++)
                {
                    var time = Events.Now - (n * 7_919L % 3_600 * Timestamps.NanosPerSecond) - n;
                    var values = new[]
                    {
                        Text(r, r.Next(1, 4)),
                        bValues[r.Next(bValues.Length)],
                        constant,
                        r.Next(-20, 40).ToString(CultureInfo.InvariantCulture),
                        (r.Next(1, 90_000) / 100.0).ToString("0.00", CultureInfo.InvariantCulture),
                        $"10.{r.Next(3)}.7.{r.Next(256)}",
                    };
                    string message;
                    if (r.Next(8) == 0)
                    {
                        message = Text(r, r.Next(1, 6));
                    }
                    else
                    {
                        var text = new StringBuilder();
                        foreach (var piece in templates[r.Next(templates.Count)])
                        {
                            text.Append(piece is int f ? values[f] : (string)piece);
                        }
                        message = text.ToString();
                    }
                    var fields = new List<KeyValuePair<string, FieldValue>> { new("_msg", FieldValue.Str(message)) };
                    fields.Add(new("a", FieldValue.Str(values[0])));
                    fields.Add(new("b", FieldValue.Str(values[1])));
                    fields.Add(new("k", FieldValue.Str(values[2])));
                    fields.Add(new("n", FieldValue.Num(values[3])));
                    fields.Add(new("d", FieldValue.Num(values[4])));
                    fields.Add(new("ip", FieldValue.Str(values[5])));
                    part.Add(new LogEvent(time, stream, fields));
                }
            }
            parts.Add(part);
        }
        return parts;
    }
}
