using Vigie.Core;

namespace Vigie.Core.Tests;

public sealed class StreamKeyTests
{
    [Theory]
    [InlineData("host", "web-1")]
    [InlineData("a=b", "x")]
    [InlineData("a,b", "y")]
    [InlineData("q\"uote", "v\"al\\ue")]
    [InlineData("{br}", "line\nbreak\ttab")]
    [InlineData("back\\slash", "é 日本")]
    public void Parse_TextOfCreate_GivesEqualKey(string name, string value)
    {
        var key = StreamKey.Create([new(name, value), new("z", "last")]);
        var parsed = StreamKey.Parse(key.Text);
        Assert.Equal(key, parsed);
        Assert.Equal(key.Fields, parsed.Fields);
    }

    [Fact]
    public void Create_FieldOrder_DoesNotMatter()
    {
        var a = StreamKey.Create([new("service", "nginx"), new("host", "web-1")]);
        var b = StreamKey.Create([new("host", "web-1"), new("service", "nginx")]);
        Assert.Equal("{host=\"web-1\",service=\"nginx\"}", a.Text);
        Assert.Equal(a, b);
        Assert.Equal(a.Hash, b.Hash);
    }

    [Fact]
    public void EndEvent_SameStreamValues_SameStreamAsCreate()
    {
        var batch = new EventBatch();
        batch.BeginEvent(1);
        batch.AddField("service", ValueKind.String, "nginx");
        batch.AddField("host", ValueKind.String, "web-1");
        batch.EndEvent(StreamFields.Parse("host,service"));
        Assert.Equal(StreamKey.Create([new("host", "web-1"), new("service", "nginx")]), batch.GetStream(0));
    }
}
