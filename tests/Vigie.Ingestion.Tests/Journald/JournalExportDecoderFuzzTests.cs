using FsCheck.Xunit;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Tests.Journald;

/// <summary>Damaged export streams reject entries or fail cleanly; chunking never changes the outcome.</summary>
public sealed class JournalExportDecoderFuzzTests
{
    private static readonly byte[] Valid = JournalExportDecoderTests.Export();

    [Property(MaxTest = 500)]
    public void Decode_MutatedOrRandom_DecodesOrFailsCleanly(int seed, byte[] random)
    {
        foreach (var body in new[] { Mutate.Body(Valid, seed), random ?? [] })
        {
            try
            {
                var whole = JournalExportDecoderTests.Run(body, maxEntry: 4096).Events;
                var chunked = JournalExportDecoderTests.Run(body, chunk: 5, maxEntry: 4096).Events;
                Assert.Equal(whole.Select(e => e.Describe()), chunked.Select(e => e.Describe()));
            }
            catch (MalformedBodyException)
            {
            }
        }
    }
}
