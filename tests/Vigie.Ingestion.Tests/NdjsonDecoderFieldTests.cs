using Vigie.Core;

namespace Vigie.Ingestion.Tests;

public class NdjsonDecoderFieldTests
{
    [Fact]
    public void DecodeAsync_NestedObjects_FlattensNamesWithDots()
    {
        var e = Decode.Single("""{"http":{"status":500,"req":{"path":"/a"}},"level":"error"}""");

        Assert.Equal(["http.status", "http.req.path", "level"], Decode.Names(e));
        Assert.Equal(FieldValue.Num("500"), e.Get("http.status"));
        Assert.Equal(FieldValue.Str("/a"), e.Get("http.req.path"));
    }

    [Fact]
    public void DecodeAsync_EachJsonType_KeepsKindAndText()
    {
        var e = Decode.Single("""{"s":"a\"b\u00e9\n","n":-1.50e3,"t":true,"f":false,"a":[1, "x",{"y":null}],"z":null}""");

        Assert.Equal(new FieldValue(ValueKind.String, "a\"bé\n"), e.Get("s"));
        Assert.Equal(new FieldValue(ValueKind.Number, "-1.50e3"), e.Get("n"));
        Assert.Equal(new FieldValue(ValueKind.Bool, "true"), e.Get("t"));
        Assert.Equal(new FieldValue(ValueKind.Bool, "false"), e.Get("f"));
        Assert.Equal(new FieldValue(ValueKind.Json, """[1, "x",{"y":null}]"""), e.Get("a"));
        Assert.Null(e.Get("z"));
    }

    [Fact]
    public void DecodeAsync_EscapedFieldName_IsUnescaped()
    {
        var e = Decode.Single("""{"caf\u00e9":{"a\"b":1}}""");

        Assert.Equal(["café.a\"b"], Decode.Names(e));
    }

    [Fact]
    public void DecodeAsync_DuplicateKey_FirstOccurrenceWins()
    {
        var e = Decode.Single("""{"a":1,"b":2,"a":3,"c":{"d":4},"c.d":5}""");

        Assert.Equal(["a", "b", "c.d"], Decode.Names(e));
        Assert.Equal("1", e.Get("a")?.Text);
        Assert.Equal("4", e.Get("c.d")?.Text);
    }

    [Fact]
    public void DecodeAsync_EmptyObject_IsAnEventWithoutFields()
    {
        var e = Decode.Single("{}");

        Assert.Empty(e.Fields);
        Assert.Equal(Decode.Now, e.TimeNs);
    }

    [Fact]
    public void DecodeAsync_StreamFieldGiven_IsDropped()
    {
        var e = Decode.Single("""{"_stream":"{x=\"y\"}","_stream2":1,"a":{"_stream":2}}""");

        Assert.Equal(["_stream2", "a._stream"], Decode.Names(e));
    }

    [Theory]
    [InlineData("""{"message":"m","x":1}""", "m", new[] { "x", "_msg" })]
    [InlineData("""{"msg":"m"}""", "m", new[] { "_msg" })]
    [InlineData("""{"log":"m"}""", "m", new[] { "_msg" })]
    [InlineData("""{"log":"l","msg":"g","message":"m"}""", "m", new[] { "_msg", "msg", "log" })]
    [InlineData("""{"message":"m","_msg":"first"}""", "first", new[] { "_msg", "message" })]
    [InlineData("""{"_msg":"a\tb","log":"l"}""", "a\tb", new[] { "_msg", "log" })]
    [InlineData("""{"message":null,"msg":"g"}""", "g", new[] { "_msg" })]
    [InlineData("""{"message":"a\u00e9"}""", "aé", new[] { "_msg" })]
    public void DecodeAsync_MessageField_BecomesMsgOnce(string line, string message, string[] names)
    {
        var e = Decode.Single(line);

        Assert.Equal(message, e.Message);
        Assert.Equal(names, Decode.Names(e));
    }

    [Fact]
    public void DecodeAsync_NumericMessage_KeepsItsKind()
    {
        var e = Decode.Single("""{"msg":42}""");

        Assert.Equal(FieldValue.Num("42"), e.Get("_msg"));
    }

    [Fact]
    public void DecodeAsync_NoMessageField_HasNoMsg()
    {
        var e = Decode.Single("""{"level":"info","log.file":"x"}""");

        Assert.Null(e.Get("_msg"));
        Assert.Equal(["level", "log.file"], Decode.Names(e));
    }

    [Fact]
    public void DecodeAsync_StreamFields_MakeTheStreamKey()
    {
        var (result, events) = Decode.Text("""
            {"host":"web-1","service":"nginx","_msg":"a"}
            {"host":"web-2","_msg":"b"}
            {"service":"nginx","host":"web-1","_msg":"c"}
            """, streams: "service,host");

        Assert.Equal(3, result.Accepted);
        Assert.Equal("""{host="web-1",service="nginx"}""", events[0].Stream.Text);
        Assert.Equal("""{host="web-2"}""", events[1].Stream.Text);
        Assert.Same(events[0].Stream.Text, events[0].Stream.Text);
        Assert.Equal(events[0].Stream, events[2].Stream);
    }
}
