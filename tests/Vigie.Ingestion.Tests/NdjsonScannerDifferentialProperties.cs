using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Ingestion.Tests;

/// <summary>
/// The NDJSON decoder's byte scanner against its reference path (<see cref="System.Text.Json.Utf8JsonReader"/>):
/// on random lines, valid or not, both give the same events, the same accepted and rejected counts
/// and the same errors (line numbers and messages, which say the byte).
/// </summary>
public class NdjsonScannerDifferentialProperties
{
    private static readonly string[] Names =
    [
        "_time", "_msg", "message", "msg", "log", "_stream", "a", "b", "a.b", "host", "service", "é", "日本",
        "q\\\"uote", "x\\u0041", "\\u00e9t\\u00E9", "with space", "", "\\n", "\\ud83d\\ude00",
    ];

    private static readonly string[] Strings =
    [
        "", "plain", "GET /index.html HTTP/1.1", "caf\\u00e9", "tab\\there", "quote\\\"d", "back\\\\slash", "sl\\/ash",
        "\\b\\f\\n\\r\\t", "\\u0000nul", "\\u001f", "é日本😀", "\\ud83d\\ude00 pair", "\\ud800 lone", "\\udc00", "\\u12", "\\x",
        "raw\u0001control", "raw\ttab", "2025-11-25T10:00:00.5Z", "2025-11-25T10:00:00+01:00", "2025-11-25 10:00:00.123456789z",
        "2025-13-25T10:00:00Z", "2025-02-30T10:00:00Z", "1764064800", "1764064800123", "1.5e9", "nope",
        "2025-11-25T10:00:60Z", "0001-01-01T00:00:00Z", "2025-11-25T10:00:00.Z", "2025-11-25T10:00:00.1234567891234Z",
        "20251125T100000Z", "2025-11-25T10:00:00-00:30", "2025-11-25T10:00:00+1:00", new string('x', 70),
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "7", "-12", "3.25", "-0.5", "1e5", "1E-2", "2.5e+3", "123456789012345678901234567890", "1764064800",
        "1764064800.25", "1764064800123456789", "99999999999999999999", "01", "1.", ".5", "-", "1e", "1e+", "+1", "0x10",
        "NaN", "1.5.3", "--1", "1_000",
    ];

    private static readonly string[] Spaces = ["", "", "", " ", "\t", " \r ", "  "];

    [Fact]
    public void DecodeAsync_RandomLines_ScannerAgreesWithReferencePath()
    {
        var bodies = Gen.ListOf(LineGen()).Select(lines => lines.ToArray()).ToArbitrary();
        long accepted = 0, rejected = 0;

        Prop.ForAll(bodies, (byte[][] lines) =>
        {
            var body = Join(lines);
            var (fastResult, fastEvents) = Run(body, fastPath: true);
            var (referenceResult, referenceEvents) = Run(body, fastPath: false);

            Assert.Equal(referenceResult.Accepted, fastResult.Accepted);
            Assert.Equal(referenceResult.Rejected, fastResult.Rejected);
            Assert.Equal(referenceResult.Errors.Select(e => e.ToString()), fastResult.Errors.Select(e => e.ToString()));
            Assert.Equal(referenceEvents, fastEvents);
            accepted += fastResult.Accepted;
            rejected += fastResult.Rejected;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000).WithEndSize(30));

        // Both outcomes must be well represented, or the comparison proves little.
        Assert.True(accepted > 2000 && rejected > 2000, $"{accepted} lines accepted, {rejected} rejected");
    }

    /// <summary>
    /// The scanner's search for the end of a string's plain run, 16 bytes at a time with an
    /// overlapping last block and bytes one by one below 16, against a byte-by-byte reference: every
    /// length from empty to several blocks, stops anywhere or nowhere, bytes on both sides of each test.
    /// </summary>
    [Fact]
    public void IndexOfStop_RandomBytes_FindsTheFirstQuoteBackslashOrControlByte()
    {
        byte[] alphabet = [(byte)'a', (byte)'a', (byte)'a', (byte)'a', (byte)' ', 0x1F, 0, (byte)'"', (byte)'\\', (byte)'!', (byte)'#', (byte)'[', (byte)']', 0x7F, 0x80, 0xC3, 0xFF];
        var texts =
            from plain in Gen.Choose(0, 70)
            from tail in Gen.ListOf(Gen.Elements(alphabet)).Resize(40)
            select Enumerable.Repeat((byte)'x', plain).Concat(tail).ToArray();

        Prop.ForAll(texts.ToArbitrary(), (byte[] text) =>
        {
            var expected = Array.FindIndex(text, b => b < 0x20 || b == (byte)'"' || b == (byte)'\\');
            Assert.Equal(expected, NdjsonLineParser.IndexOfStop(text));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5000));
    }

    /// <summary>
    /// Top-level names are read in place in the line and copied only when an object follows (its
    /// members' names are built after it): names of any length, up to past the name buffer's first
    /// size, under objects nested at random, with and without escapes.
    /// </summary>
    [Fact]
    public void DecodeAsync_LongNamesOverNestedObjects_ScannerAgreesWithReferencePath()
    {
        var names =
            from length in Gen.Frequency((4, Gen.Choose(1, 12)), (1, Gen.Choose(200, 700)))
            from letter in Gen.Elements('k', 'é', '_')
            from escaped in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (escaped ? "\\u0041" : "") + new string(letter, length);
        var bodies = Gen.ListOf(NestedObjectGen(names, 3)).Select(lines => lines.ToArray()).ToArbitrary();

        Prop.ForAll(bodies, (string[] lines) =>
        {
            var body = Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n")));
            var (fastResult, fastEvents) = Run(body, fastPath: true);
            var (referenceResult, referenceEvents) = Run(body, fastPath: false);

            Assert.Equal(referenceResult.Errors.Select(e => e.ToString()), fastResult.Errors.Select(e => e.ToString()));
            Assert.Equal(referenceEvents, fastEvents);
            Assert.Equal(lines.Length, fastResult.Accepted);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithEndSize(12));
    }

    private static Gen<string> NestedObjectGen(Gen<string> names, int depth) =>
        from members in Gen.ListOf(
            from name in names
            from value in depth == 0
                ? Gen.Elements("1", "\"v\"", "true")
                : Gen.Frequency((2, Gen.Elements("1", "\"v\"", "[1]")), (1, Gen.Sized(size => NestedObjectGen(names, depth - 1).Resize(Math.Min(size, 4)))))
            select $"\"{name}\":{value}")
        select $"{{{string.Join(",", members)}}}";

    [Theory]
    [InlineData("""{"_time":"2025-11-25T10:00:00.5Z","host":"web-1","http":{"status":500,"path":"/a\"b"},"tags":[1,{"x":[]}],"ok":true,"message":"caf\u00e9 boom"}""")]
    [InlineData("""{"msg":"m","log":"l","message":[1],"a":{"b":{"c":null,"d":-1.5e3}},"a.b.d":2}""")]
    [InlineData("""{"_time":{"x":1},"a":1}""")]
    [InlineData("""{"_stream":{"x":1},"a":1}""")]
    [InlineData("""{"_time":null,"_time":1764064800,"_time":"bad"}""")]
    [InlineData("""{"a":"\ud83d\ude00","\ud83d\ude00":1}""")]
    [InlineData(""" { "a" : 1 , "b" : [ ] , "c" : { } } """)]
    public void DecodeAsync_KnownLines_ScannerAgreesWithReferencePath(string line)
    {
        var body = Encoding.UTF8.GetBytes(line + "\n" + line + "\n");

        var (fastResult, fastEvents) = Run(body, fastPath: true);
        var (referenceResult, referenceEvents) = Run(body, fastPath: false);

        Assert.Equal(referenceResult.Errors.Select(e => e.ToString()), fastResult.Errors.Select(e => e.ToString()));
        Assert.Equal(referenceEvents, fastEvents);
        Assert.Equal(referenceResult.Accepted, fastResult.Accepted);
    }

    private static (IngestResult Result, List<string> Events) Run(byte[] body, bool fastPath)
    {
        var batch = new EventBatch();
        var result = NdjsonDecoder.DecodeAsync(new MemoryStream(body), batch, StreamFields.Parse("host,a"), new NdjsonLimits(), Decode.Now,
            onFlush: null, fastPath, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var events = batch.ToLogEvents()
            .Select(e => $"{e.TimeNs} [{e.Stream.Text}] {string.Join(" | ", e.Fields.Select(f => $"{f.Key}={f.Value.Kind}:{f.Value.Text}"))}")
            .ToList();
        return (result, events);
    }

    private static byte[] Join(byte[][] lines)
    {
        var body = new List<byte>();
        foreach (var line in lines)
        {
            body.AddRange(line);
            body.Add((byte)'\n');
        }
        return [.. body];
    }

    private static Gen<byte[]> LineGen() =>
        from text in ObjectGen(3)
        from mutation in Gen.Frequency(
            (12, Gen.Constant(0)),
            (1, Gen.Constant(1)),
            (1, Gen.Constant(2)),
            (1, Gen.Constant(3)),
            (1, Gen.Constant(4)))
        from at in Gen.Choose(0, 10_000)
        from junk in Gen.Elements("\"", "}", "{", ",", ":", "[", "]", "x", " ", "\\", "0", "-", ".", "n")
        select Mutate(Encoding.UTF8.GetBytes(text), mutation, at, junk);

    /// <summary>Leaves the line whole, or cuts it, inserts a byte, drops one, or puts in a byte that is not UTF-8.</summary>
    private static byte[] Mutate(byte[] line, int mutation, int at, string junk)
    {
        if (mutation == 0 || line.Length == 0)
        {
            return line;
        }
        var i = at % line.Length;
        return mutation switch
        {
            1 => line[..i],
            2 => [.. line[..i], .. Encoding.UTF8.GetBytes(junk), .. line[i..]],
            3 => [.. line[..i], .. line[(i + 1)..]],
            _ => [.. line[..i], 0xFF, .. line[i..]],
        };
    }

    private static Gen<string> ObjectGen(int depth) =>
        from members in Gen.ListOf(MemberGen(depth))
        from s1 in Gen.Elements(Spaces)
        from s2 in Gen.Elements(Spaces)
        select $"{s1}{{{string.Join(",", members)}}}{s2}";

    private static Gen<string> MemberGen(int depth) =>
        from name in Gen.Elements(Names)
        from s1 in Gen.Elements(Spaces)
        from s2 in Gen.Elements(Spaces)
        from value in ValueGen(depth)
        select $"{s1}\"{name}\"{s2}:{s1}{value}{s2}";

    private static Gen<string> ValueGen(int depth)
    {
        var scalars = Gen.Frequency(
            (4, Gen.Elements(Strings).Select(s => $"\"{s}\"")),
            (3, Gen.Elements(Numbers)),
            (1, Gen.Elements("true", "false", "null", "tru", "nul", "falsey")));
        if (depth == 0)
        {
            return scalars;
        }
        return Gen.Frequency(
            (6, scalars),
            (2, Gen.Sized(size => ObjectGen(depth - 1).Resize(Math.Min(size, 4)))),
            (1, Gen.Sized(size => Gen.ListOf(ValueGen(depth - 1)).Resize(Math.Min(size, 4)).Select(values => $"[{string.Join(",", values)}]"))));
    }
}
