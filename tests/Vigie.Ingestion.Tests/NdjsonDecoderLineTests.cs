using System.Text;
using Vigie.Core;

namespace Vigie.Ingestion.Tests;

public class NdjsonDecoderLineTests
{
    [Fact]
    public void DecodeAsync_CrlfAndBlankLines_SkipsBlanksAndKeepsLineNumbers()
    {
        var (result, events) = Decode.Text("{\"_msg\":\"a\"}\r\n\r\n  \t\r\n{\"_msg\":\"b\"}\r\nnope\r\n{\"_msg\":\"c\"}");

        Assert.Equal(["a", "b", "c"], events.Select(e => e.Message));
        Assert.Equal(3, result.Accepted);
        Assert.Equal(5, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void DecodeAsync_ByteOrderMark_IsIgnored()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"a\":1}\n")).ToArray();

        var (result, events) = Decode.Bytes(body);

        Assert.Equal(1, result.Accepted);
        Assert.Single(events);
    }

    [Theory]
    [InlineData("""{"a":1 "b":2}""", "invalid JSON at byte 7: '\"' is invalid after a value. Expected either ',', '}', or ']'")]
    [InlineData("""{"a":1""", "invalid JSON at byte 6: the line ends before the object is closed")]
    [InlineData("""{"a":1} {"b":2}""", "invalid JSON at byte 8: '{' is invalid after a single JSON value. Expected end of data")]
    [InlineData("""{"a":tru}""", "invalid JSON at byte 8: 'tru}' is an invalid JSON literal. Expected the literal 'true'")]
    [InlineData("""{"a":{"b":[1,2}}""", "invalid JSON at byte 14: '}' is invalid without a matching open")]
    [InlineData("{\"a\":{\"b\":1}", "invalid JSON at byte 12: the line ends before the object is closed")]
    [InlineData("plain text", "invalid JSON at byte 0: 'p' is an invalid start of a value")]
    [InlineData("[1,2]", "not a JSON object: the line holds an array")]
    [InlineData("\"text\"", "not a JSON object: the line holds a string")]
    [InlineData("""{"a":"\ud800"}""", "invalid JSON string escape: Cannot read incomplete UTF-16 JSON text as string with missing low surrogate")]
    public void DecodeAsync_BadLineAmongGoodOnes_RejectsItAloneWithReason(string bad, string reason)
    {
        var (result, events) = Decode.Text($"{{\"_msg\":\"one\"}}\n{{\"_msg\":\"two\"}}\n{bad}\n{{\"_msg\":\"four\"}}\n");

        Assert.Equal(["one", "two", "four"], events.Select(e => e.Message));
        Assert.Equal(3, result.Accepted);
        Assert.Equal(1, result.Rejected);
        Assert.Equal($"line 3: {reason}", Assert.Single(result.Errors).ToString());
        Assert.False(result.ErrorsTruncated);
    }

    [Fact]
    public void DecodeAsync_RejectedLine_LeavesNothingOfItInTheBatch()
    {
        var (_, events) = Decode.Text("{\"a\":\"x\",\"b\":\"yyyy\",\"c\":oops}\n{\"d\":1}\n");

        var e = Assert.Single(events);
        Assert.Equal(["d"], Decode.Names(e));
    }

    [Fact]
    public void DecodeAsync_InvalidUtf8_RejectsWithOffset()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":1}\n{\"b\":\"x\u0001\"}\n{\"c\":3}\n");
        body[Array.IndexOf(body, (byte)1)] = 0xFF;

        var (result, events) = Decode.Bytes(body);

        Assert.Equal(2, events.Count);
        Assert.Equal("line 2: invalid UTF-8 at byte 7", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void DecodeAsync_TooDeep_RejectsTheLine()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70);

        var (result, events) = Decode.Text(deep + "\n{\"b\":1}\n");

        Assert.Single(events);
        Assert.StartsWith("line 1: invalid JSON at byte ", Assert.Single(result.Errors).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void DecodeAsync_LineLongerThanLimit_RejectsItAlone(int chunk)
    {
        var limits = new NdjsonLimits { MaxLineBytes = 100 };
        var huge = "{\"_msg\":\"" + new string('x', 5000) + "\"}";
        var exact = "{\"_msg\":\"" + new string('y', 100 - 11) + "\"}";
        var body = Encoding.UTF8.GetBytes($"{{\"_msg\":\"a\"}}\n{huge}\n{exact}\r\n{huge}\n{{\"_msg\":\"b\"}}\n{huge}");

        var (result, events) = Decode.FromStream(new SlowStream(body, chunk), limits);

        Assert.Equal(["a", new string('y', 89), "b"], events.Select(e => e.Message));
        Assert.Equal(
            ["line 2: line is longer than 100 bytes", "line 4: line is longer than 100 bytes", "line 6: line is longer than 100 bytes"],
            result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void DecodeAsync_SmallReads_GiveTheSameEvents(int chunk)
    {
        var text = string.Join("\n", Enumerable.Range(0, 200).Select(i => $$$"""{"i":{{{i}}},"_msg":"m{{{i}}}","n":{"k":"v"}}""")) + "\n";
        var expected = Decode.Text(text).Events;

        var (result, events) = Decode.FromStream(new SlowStream(Encoding.UTF8.GetBytes(text), chunk));

        Assert.Equal(200, result.Accepted);
        Assert.Equal(expected.Select(e => string.Join(',', e.Fields)), events.Select(e => string.Join(',', e.Fields)));
    }

    [Fact]
    public void DecodeAsync_BodyLargerThanLimit_Throws()
    {
        var body = string.Concat(Enumerable.Repeat("{\"_msg\":\"0123456789\"}\n", 100));

        var e = Assert.Throws<BodyTooLargeException>(() => Decode.Text(body, new NdjsonLimits { MaxBodyBytes = 1000 }));

        Assert.Equal(1000, e.MaxBodyBytes);
        Assert.Equal("request body is larger than 1000 bytes after decompression; split it into smaller requests", e.Message);
    }

    [Fact]
    public void DecodeAsync_BodyExactlyAtLimit_IsAccepted()
    {
        var body = string.Concat(Enumerable.Repeat("{\"_msg\":\"0123456789\"}\n", 10));

        var (result, _) = Decode.Text(body, new NdjsonLimits { MaxBodyBytes = body.Length });

        Assert.Equal(10, result.Accepted);
        Assert.Equal(body.Length, result.BodyBytes);
    }

    [Fact]
    public void DecodeAsync_ManyBadLines_CapsTheErrorList()
    {
        var body = string.Concat(Enumerable.Repeat("bad\n{}\n", 10));

        var (result, _) = Decode.Text(body, new NdjsonLimits { MaxErrors = 3 });

        Assert.Equal(10, result.Accepted);
        Assert.Equal(10, result.Rejected);
        Assert.Equal([1L, 3L, 5L], result.Errors.Select(e => e.Line));
        Assert.True(result.ErrorsTruncated);
    }

    [Fact]
    public async Task DecodeAsync_FlushHandler_ReceivesFullBatchesThenTheRest()
    {
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 25).Select(i => $"{{\"_msg\":\"{i}\"}}\n")));
        var seen = new List<string>();
        var sizes = new List<int>();
        var first = new EventBatch();

        var result = await NdjsonDecoder.DecodeAsync(new MemoryStream(body), first, StreamFields.None, new NdjsonLimits { FlushEvents = 10 }, Decode.Now, (full, _) =>
        {
            sizes.Add(full.Count);
            seen.AddRange(full.ToLogEvents().Select(e => e.Message));
            full.Clear();
            return ValueTask.FromResult(full);
        });

        Assert.Equal([10, 10, 5], sizes);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), seen);
        Assert.Equal(25, result.Accepted);
    }

    [Fact]
    public async Task DecodeAsync_FlushHandlerReturnsNewBatch_FillsTheNewOne()
    {
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5).Select(i => $"{{\"_msg\":\"{i}\"}}\n")));
        var kept = new List<EventBatch>();

        await NdjsonDecoder.DecodeAsync(new MemoryStream(body), new EventBatch(), StreamFields.None, new NdjsonLimits { FlushEvents = 2 }, Decode.Now, (full, _) =>
        {
            kept.Add(full);
            return ValueTask.FromResult(new EventBatch());
        });

        Assert.Equal([2, 2, 1], kept.Select(b => b.Count));
        Assert.Equal(5, kept.Distinct().Count() + 2);
    }

    [Fact]
    public async Task DecodeAsync_SteadyState_AllocatesNothingPerEvent()
    {
        var line = """{"_time":"2025-11-25T10:00:00.5Z","host":"web-1","http":{"status":500,"path":"/a\"b"},"tags":[1,2],"ok":true,"message":"caf\u00e9 boom"}""";
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line + "\n", 20_000)));
        var batch = new EventBatch();
        var limits = new NdjsonLimits { FlushEvents = 5_000 };
        var streams = StreamFields.Parse("host");
        FlushHandler clear = (full, _) =>
        {
            full.Clear();
            return ValueTask.FromResult(full);
        };
        await NdjsonDecoder.DecodeAsync(new MemoryStream(body), batch, streams, limits, Decode.Now, clear);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = await NdjsonDecoder.DecodeAsync(new MemoryStream(body), batch, streams, limits, Decode.Now, clear);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(20_000, result.Accepted);
        // Per request and per batch (names re-interned after Clear), never per event.
        Assert.True(allocated < 20_000, $"{allocated} bytes allocated for 20000 events");
    }
}
