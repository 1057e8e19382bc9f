using System.Text;
using FsCheck.Xunit;

namespace Vigie.Ingestion.Tests.Seq;

/// <summary>CLEF is line by line: bad bytes cost their line, never the request.</summary>
public sealed class ClefDecoderFuzzTests
{
    private static readonly byte[] Valid = Encoding.UTF8.GetBytes("{\"@t\":\"2025-11-25T10:00:00Z\",\"@mt\":\"a {X}\",\"X\":1}\n{\"@m\":\"b\",\"@l\":\"Error\",\"P\":{\"Q\":[1]}}\n{\"@m\":\"c\"}\n");

    [Property(MaxTest = 500)]
    public void DecodeClef_MutatedOrRandom_NeverThrows(int seed, byte[] random)
    {
        foreach (var body in new[] { Mutate.Body(Valid, seed), random ?? [] })
        {
            var (events, report) = ClefDecoderTests.Clef(body);
            Assert.Equal(report.Accepted, events.Count);
        }
    }
}
