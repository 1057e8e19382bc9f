using System.Text;
using Vigie.Core;
using Vigie.Ingestion.Listeners;

namespace Vigie.Ingestion.Tests;

/// <summary>Runs protocol decoders over in-memory frames, the way the listeners do, and reads the events back.</summary>
internal static class Frames
{
    public static DecodeTarget Target(string? streams = null) =>
        new(StreamFields.Parse(streams)) { NowNs = Decode.Now, RemoteHost = "10.0.0.9" };

    /// <summary>Feeds <paramref name="bytes"/> to a stream decoder in pieces of the given sizes (cycled), then ends the stream.</summary>
    public static (List<LogEvent> Events, DecodeTarget Target) Stream(IStreamDecoder decoder, byte[] bytes, int[]? pieces = null, int bufferLimit = int.MaxValue)
    {
        var target = Target();
        var buffer = new List<byte>();
        var at = 0;
        var p = 0;
        pieces ??= [bytes.Length == 0 ? 1 : bytes.Length];
        while (at < bytes.Length)
        {
            var n = Math.Min(Math.Max(1, pieces[p++ % pieces.Length]), bytes.Length - at);
            buffer.AddRange(bytes.AsSpan(at, n));
            at += n;
            var used = decoder.Decode(buffer.ToArray(), target);
            buffer.RemoveRange(0, used);
            if (buffer.Count >= bufferLimit)
            {
                if (!decoder.Overflow(buffer.ToArray(), target))
                {
                    return (target.Batch.ToLogEvents().ToList(), target);
                }
                buffer.Clear();
            }
        }
        decoder.DecodeLast(buffer.ToArray(), target);
        return (target.Batch.ToLogEvents().ToList(), target);
    }

    public static (List<LogEvent> Events, DecodeTarget Target) Datagrams(IDatagramDecoder decoder, params byte[][] datagrams)
    {
        var target = Target();
        foreach (var d in datagrams)
        {
            decoder.Decode(d, target);
        }
        return (target.Batch.ToLogEvents().ToList(), target);
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
