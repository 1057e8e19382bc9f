using System.Text;
using FsCheck.Xunit;
using Google.Protobuf;
using Vigie.Ingestion.Otlp;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Tests.Otlp;

/// <summary>Bad OTLP bodies fail as a whole with <see cref="MalformedBodyException"/>, never with anything else.</summary>
public sealed class OtlpLogsDecoderFuzzTests
{
    private static readonly byte[] ValidProtobuf = OtlpLogsDecoderTests.Sample().ToByteArray();
    private static readonly byte[] ValidJson = Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(OtlpLogsDecoderTests.Sample()));

    [Property(MaxTest = 500)]
    public void Protobuf_MutatedOrRandom_DecodesOrFailsCleanly(int seed, byte[] random)
    {
        foreach (var body in new[] { Mutate.Body(ValidProtobuf, seed), random ?? [] })
        {
            try
            {
                OtlpLogsDecoderTests.Map(OtlpLogsDecoder.ParseProtobuf(body));
            }
            catch (MalformedBodyException)
            {
            }
        }
    }

    [Property(MaxTest = 300)]
    public void Json_Mutated_DecodesOrFailsCleanly(int seed)
    {
        try
        {
            OtlpLogsDecoderTests.Map(OtlpLogsDecoder.ParseJson(Mutate.Body(ValidJson, seed)), hexIds: true);
        }
        catch (MalformedBodyException)
        {
        }
    }
}
