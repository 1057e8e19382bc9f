using System.Buffers;
using Vigie.Ingestion.Listeners;

namespace Vigie.Ingestion.Gelf;

/// <summary>GELF over UDP: whole or chunked datagrams, gzip, zlib or plain.</summary>
public sealed class GelfDatagramDecoder(GelfChunkAssembler assembler, int maxMessageBytes) : IDatagramDecoder
{
    public GelfDatagramDecoder()
        : this(new GelfChunkAssembler(TimeSpan.FromSeconds(5), 64L * 1024 * 1024), 8 * 1024 * 1024)
    {
    }

    public void Decode(ReadOnlySpan<byte> datagram, DecodeTarget target)
    {
        byte[] payload;
        if (GelfChunkAssembler.IsChunk(datagram))
        {
            byte[]? whole;
            try
            {
                whole = assembler.Add(datagram);
            }
            catch (FormatException e)
            {
                target.Reject(e.Message);
                return;
            }
            finally
            {
                if (assembler.TakeExpired() is var expired and > 0)
                {
                    target.Reject("chunked GELF message incomplete after the timeout, or evicted to bound memory", expired);
                }
            }
            if (whole is null)
            {
                return;
            }
            payload = whole;
        }
        else if (datagram.Length > 0 && datagram[0] == '{')
        {
            // Uncompressed: parse in place, no copy.
            GelfParser.Parse(datagram, target);
            return;
        }
        else
        {
            payload = datagram.ToArray();
        }
        DecodePayload(payload, maxMessageBytes, target);
    }

    /// <summary>Decompresses and parses one GELF payload (also used by the HTTP endpoint).</summary>
    public static void DecodePayload(ArraySegment<byte> payload, int maxMessageBytes, DecodeTarget target)
    {
        byte[]? rented = null;
        try
        {
            var json = GelfPayload.Decode(payload, maxMessageBytes, out rented);
            GelfParser.Parse(json, target);
        }
        catch (InvalidDataException e)
        {
            target.Reject("GELF payload does not decompress: " + e.Message);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
