using System.Text;
using FsCheck.Xunit;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Tests.Loki;

/// <summary>Bad pushes fail with <see cref="MalformedBodyException"/> or reject entries, never with anything else.</summary>
public sealed class LokiPushDecoderFuzzTests
{
    private static readonly byte[] ValidSnappy = LokiPushDecoderTests.SnappyPush();
    private const string ValidJson = """{"streams":[{"stream":{"app":"a"},"values":[["1764064801000000000","one"],["1764064802000000000","two",{"u":"1"}]]}]}""";

    [Property(MaxTest = 500)]
    public void Protobuf_MutatedOrRandom_DecodesOrFailsCleanly(int seed, byte[] random)
    {
        foreach (var body in new[] { Mutate.Body(ValidSnappy, seed), random ?? [] })
        {
            try
            {
                LokiPushDecoderTests.Protobuf(body);
            }
            catch (MalformedBodyException)
            {
            }
        }
    }

    [Property(MaxTest = 500)]
    public void Json_Mutated_DecodesOrFailsCleanly(int seed)
    {
        try
        {
            var (events, _) = LokiPushDecoderTests.Json(Encoding.UTF8.GetString(Mutate.Body(Encoding.UTF8.GetBytes(ValidJson), seed)));
            Assert.True(events.Count <= 3);
        }
        catch (MalformedBodyException)
        {
        }
    }
}
