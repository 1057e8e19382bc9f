using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Ingestion.Tests;

/// <summary>
/// The decoder finds each line's end and whether the line is all ASCII in one pass, and then skips
/// the UTF-8 check of ASCII lines: the pass against a byte-by-byte reference, and whole bodies read in
/// pieces of every size against each line given alone to the parser, which checks its UTF-8 itself.
/// </summary>
public class NdjsonLineScanProperties
{
    private static readonly byte[] Alphabet =
        [(byte)'a', (byte)'a', (byte)'a', (byte)'a', (byte)'\n', (byte)'\r', (byte)' ', (byte)'"', 0x7F, 0x80, 0xC3, 0xA9, 0xE6, 0xFF];

    [Fact]
    public void IndexOfNewline_RandomBytes_FindsTheFirstLfAndWhetherAllBeforeIsAscii()
    {
        var texts =
            from plain in Gen.Choose(0, 100)
            from tail in Gen.ListOf(Gen.Elements(Alphabet)).Resize(80)
            from asciiBefore in Gen.Elements(true, false)
            select (Text: Enumerable.Repeat((byte)'x', plain).Concat(tail).ToArray(), AsciiBefore: asciiBefore);

        Prop.ForAll(texts.ToArbitrary(), t =>
        {
            var expected = Array.IndexOf(t.Text, (byte)'\n');
            var scanned = expected < 0 ? t.Text : t.Text[..expected];
            var expectedAscii = t.AsciiBefore && scanned.All(b => b < 0x80);

            var ascii = t.AsciiBefore;
            Assert.Equal(expected, NdjsonLineScan.IndexOfNewline(t.Text, ref ascii));
            Assert.Equal(expectedAscii, ascii);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5000));
    }

    [Fact]
    public void DecodeAsync_BodiesReadInPieces_AgreeWithEachLineParsedAlone()
    {
        var values = Gen.Elements("plain", "caf\u00e9", "\u65e5\u672c", "x", new string('y', 40), "a\u00e9" + new string('z', 33));
        var lines =
            from value in values
            from other in values
            from damage in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
            from at in Gen.Choose(0, 1000)
            select Damage(Encoding.UTF8.GetBytes($"{{\"host\":\"{value}\",\"n\":{at},\"msg\":\"{other}\"}}"), damage, at);
        var bodies =
            from body in Gen.ListOf(lines).Select(l => l.ToArray())
            from crlf in Gen.Elements(false, true)
            from chunk in Gen.Choose(1, 80)
            select (Lines: body, Crlf: crlf, Chunk: chunk);

        Prop.ForAll(bodies.ToArbitrary(), b =>
        {
            var ending = b.Crlf ? "\r\n"u8.ToArray() : "\n"u8.ToArray();
            var body = b.Lines.SelectMany(line => line.Concat(ending)).ToArray();
            var batch = new EventBatch();
            var result = NdjsonDecoder.DecodeAsync(new SlowStream(body, b.Chunk), batch, StreamFields.Parse("host"), new NdjsonLimits(), Decode.Now)
                .AsTask().GetAwaiter().GetResult();

            var expectedBatch = new EventBatch();
            var expectedErrors = new List<string>();
            using (var parser = new NdjsonLineParser(StreamFields.Parse("host"), Decode.Now))
            {
                for (var i = 0; i < b.Lines.Length; i++)
                {
                    if (parser.TryAddEvent(b.Lines[i], expectedBatch) is { } error)
                    {
                        expectedErrors.Add(new IngestError(i + 1, error).ToString());
                    }
                }
            }
            Assert.Equal(expectedErrors, result.Errors.Select(e => e.ToString()));
            Assert.Equal(Show(expectedBatch), Show(batch));
            Assert.Equal(b.Lines.Length - expectedErrors.Count, result.Accepted);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(20));
    }

    /// <summary>Leaves the line whole, puts a byte that is not UTF-8 in it, or cuts a multi-byte character in two.</summary>
    private static byte[] Damage(byte[] line, int damage, int at)
    {
        var i = at % line.Length;
        return damage switch
        {
            0 => line,
            1 => [.. line[..i], 0xFF, .. line[i..]],
            _ => [.. line[..i], 0xC3, .. line[i..]],
        };
    }

    private static List<string> Show(EventBatch batch) =>
        [.. batch.ToLogEvents().Select(e => $"{e.TimeNs} [{e.Stream.Text}] {string.Join(" | ", e.Fields.Select(f => $"{f.Key}={f.Value.Kind}:{f.Value.Text}"))}")];
}
