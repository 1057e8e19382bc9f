using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Vigie.Agent.Docker;

namespace Vigie.Agent.Tests.Docker;

/// <summary>
/// Writes lines as Docker's log API does, for the decoder's tests: a timestamp and a space before each
/// message, lines longer than 16 KiB in chunks that repeat the first chunk's timestamp, 8-byte frame
/// headers without a TTY, CR LF and no frames with one.
/// </summary>
internal static class DockerLogEncoding
{
    public sealed record Line(LogStreamKind Stream, long TimeNs, string Text, bool Ended = true);

    public static string Stamp(long ns)
    {
        var seconds = Math.DivRem(ns, 1_000_000_000, out var fraction);
        return DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            + "." + fraction.ToString("D9", CultureInfo.InvariantCulture) + "Z";
    }

    public static byte[] Encode(IEnumerable<Line> lines, bool tty)
    {
        var output = new MemoryStream();
        foreach (var line in lines)
        {
            var text = Encoding.UTF8.GetBytes(line.Text);
            if (tty && line.Ended)
            {
                text = [.. text, (byte)'\r'];
            }
            // Docker's copier logs a full 16 KiB buffer without a line feed as a chunk; the line feed
            // after an exact multiple comes as an empty last chunk.
            var offset = 0;
            do
            {
                var take = Math.Min(DockerLogDecoder.ChunkSize, text.Length - offset);
                var last = offset + take == text.Length && take < DockerLogDecoder.ChunkSize;
                var message = new List<byte>(Encoding.ASCII.GetBytes(Stamp(line.TimeNs) + " "));
                message.AddRange(text.AsSpan(offset, take).ToArray());
                if (last && line.Ended)
                {
                    message.Add((byte)'\n');
                }
                if (tty)
                {
                    output.Write(message.ToArray());
                }
                else
                {
                    var header = new byte[8];
                    header[0] = (byte)line.Stream;
                    BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)message.Count);
                    output.Write(header);
                    output.Write(message.ToArray());
                }
                offset += take;
                if (last || (!line.Ended && offset == text.Length))
                {
                    break;
                }
            }
            while (true);
        }
        return output.ToArray();
    }

    /// <summary>Feeds <paramref name="bytes"/> in pieces of the given sizes and returns every line, the unended ones last.</summary>
    public static List<(LogStreamKind Stream, long TimeNs, string Text)> Decode(byte[] bytes, bool tty, IEnumerable<int> pieceSizes, int maxLineBytes = 1 << 20)
    {
        using var decoder = new DockerLogDecoder(tty, maxLineBytes);
        var lines = new List<(LogStreamKind, long, string)>();
        var offset = 0;
        using var sizes = pieceSizes.GetEnumerator();
        while (offset < bytes.Length)
        {
            var size = sizes.MoveNext() ? Math.Max(1, sizes.Current) : bytes.Length;
            var take = Math.Min(size, bytes.Length - offset);
            decoder.Feed(bytes.AsSpan(offset, take));
            offset += take;
            while (decoder.TryRead(out var line))
            {
                lines.Add((line.Stream, line.TimeNs, Encoding.UTF8.GetString(line.Message.Span)));
            }
        }
        while (decoder.TryFlush(out var line))
        {
            lines.Add((line.Stream, line.TimeNs, Encoding.UTF8.GetString(line.Message.Span)));
        }
        return lines;
    }
}
