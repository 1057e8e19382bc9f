using System.Text;
using FsCheck.Xunit;

namespace Vigie.Ingestion.Tests.Elasticsearch;

/// <summary>Whatever the body, the decoder answers every action and never throws.</summary>
public sealed class BulkDecoderFuzzTests
{
    private static readonly byte[] Valid = Encoding.UTF8.GetBytes(
        "{\"index\":{\"_index\":\"a\",\"_type\":\"_doc\"}}\n{\"@timestamp\":\"2025-11-25T10:00:00Z\",\"message\":\"one\",\"n\":{\"x\":[1,2]}}\n{\"create\":{\"_index\":\"b\"}}\n{\"message\":\"two\"}\n");

    [Property(MaxTest = 500)]
    public void Decode_RandomBytes_NeverThrows(byte[] body)
    {
        var (events, items, report) = BulkDecoderTests.Run(body ?? [], index: "x");

        Assert.Equal(report.Accepted, events.Count);
        Assert.Equal(report.Accepted, items.Count(i => i.Status == 201));
    }

    [Property(MaxTest = 500)]
    public void Decode_MutatedBody_KeepsCountsConsistent(int seed)
    {
        var (events, items, report) = BulkDecoderTests.Run(Mutate.Body(Valid, seed));

        Assert.Equal(report.Accepted, events.Count);
        Assert.Equal(report.Rejected, items.Count(i => i.Status != 201));
        Assert.True(events.Count <= 2);
    }
}
