namespace Vigie.Ingestion.Tests;

public class NdjsonDecoderTimeTests
{
    [Theory]
    [InlineData("\"2025-11-25T10:00:00.123456789Z\"", 1_764_064_800_123_456_789)]
    [InlineData("\"2025-11-25T11:00:00+01:00\"", 1_764_064_800_000_000_000)]
    [InlineData("1764064800", 1_764_064_800_000_000_000)]
    [InlineData("1764064800.5", 1_764_064_800_500_000_000)]
    [InlineData("1764064800123", 1_764_064_800_123_000_000)]
    [InlineData("1764064800123456", 1_764_064_800_123_456_000)]
    [InlineData("1764064800123456789", 1_764_064_800_123_456_789)]
    [InlineData("\"1764064800123\"", 1_764_064_800_123_000_000)]
    [InlineData("\"2025-11-25T10:00:00\\u005a\"", 1_764_064_800_000_000_000)]
    public void DecodeAsync_TimeField_SetsEventTime(string json, long expected)
    {
        var e = Decode.Single($$"""{"_time":{{json}},"a":1}""");

        Assert.Equal(expected, e.TimeNs);
        Assert.Null(e.Fields.FirstOrDefault(f => f.Key == "_time").Key);
    }

    [Fact]
    public void DecodeAsync_NoTime_UsesTheTimeOfReception()
    {
        var (_, events) = Decode.Text("{\"a\":1}\n{\"_time\":null}\n");

        Assert.All(events, e => Assert.Equal(Decode.Now, e.TimeNs));
    }

    [Fact]
    public void DecodeAsync_TimeAfterOtherFields_StillSetsTime()
    {
        var e = Decode.Single("""{"a":1,"b":{"c":2},"_time":"2025-11-25T10:00:00Z"}""");

        Assert.Equal(1_764_064_800_000_000_000, e.TimeNs);
    }

    [Theory]
    [InlineData("\"yesterday\"", "invalid _time \"yesterday\": expected RFC 3339 or a Unix epoch in s, ms, µs or ns")]
    [InlineData("\"2025-13-01T00:00:00Z\"", "invalid _time \"2025-13-01T00:00:00Z\": expected RFC 3339 or a Unix epoch in s, ms, µs or ns")]
    [InlineData("true", "invalid _time: a boolean; expected RFC 3339 or a Unix epoch")]
    [InlineData("[1]", "invalid _time: an array; expected RFC 3339 or a Unix epoch")]
    [InlineData("{\"s\":1}", "invalid _time: an object; expected RFC 3339 or a Unix epoch")]
    public void DecodeAsync_BadTime_RejectsTheLine(string json, string error)
    {
        var (result, events) = Decode.Text($$"""
            {"_msg":"before"}
            {"_time":{{json}},"_msg":"bad"}
            {"_msg":"after"}
            """);

        Assert.Equal(["before", "after"], events.Select(e => e.Message));
        Assert.Equal(2, result.Accepted);
        Assert.Equal(1, result.Rejected);
        Assert.Equal($"line 2: {error}", Assert.Single(result.Errors).ToString());
    }
}
