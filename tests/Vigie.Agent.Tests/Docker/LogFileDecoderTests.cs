using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Agent.Docker;

namespace Vigie.Agent.Tests.Docker;

/// <summary>The decoder of the json-file and local drivers' files gives back their entries, however the bytes are cut.</summary>
public sealed class LogFileDecoderTests
{
    private const long BaseTime = 1_764_000_000_123_456_789;

    internal sealed record Entry(LogStreamKind Stream, long TimeNs, string Text, bool Continues);

    private static readonly char[] Alphabet = ['a', 'Z', '0', ' ', '"', '\\', '\t', '\u0001', 'é', '日', '/'];

    private static Gen<List<Entry>> Entries =>
        from count in Gen.Choose(0, 20)
        from items in (from stream in Gen.Elements(LogStreamKind.Stdout, LogStreamKind.Stderr)
                       from step in Gen.Elements(0L, 1L, 1_000_000_000L)
                       from n in Gen.Frequency((9, Gen.Choose(0, 30)), (1, Gen.Choose(16_000, 17_000)))
                       from chars in Gen.Elements(Alphabet).ArrayOf(n)
                       from continues in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
                       select (stream, step, new string(chars), continues)).ListOf(count)
        select Stamped(items);

    private static List<Entry> Stamped(IEnumerable<(LogStreamKind Stream, long Step, string Text, bool Continues)> items)
    {
        var time = BaseTime;
        return [.. items.Select(i => new Entry(i.Stream, time += i.Step, i.Text, i.Continues))];
    }

    private static Gen<int[]> Pieces => Gen.Choose(1, 5000).ArrayOf();

    [Fact]
    public void TryRead_JsonFileCutAnywhere_SameEntriesAndOffsets() =>
        Prop.ForAll((from entries in Entries from pieces in Pieces select (entries, pieces)).ToArbitrary(), c =>
        {
            var (bytes, ends) = JsonFile(c.entries);
            var (decoded, offsets) = Decode(LogFileFormat.JsonFile, bytes, c.pieces);
            return decoded.SequenceEqual(c.entries) && offsets.SequenceEqual(ends);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void TryRead_LocalCutAnywhere_SameEntriesAndOffsets() =>
        Prop.ForAll((from entries in Entries from pieces in Pieces select (entries, pieces)).ToArbitrary(), c =>
        {
            var (bytes, ends) = Local(c.entries);
            var (decoded, offsets) = Decode(LogFileFormat.Local, bytes, c.pieces);
            return decoded.SequenceEqual(c.entries) && offsets.SequenceEqual(ends);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void TryRead_JsonFileLineThatIsNoEntry_SkippedCountedAndTheNextRead()
    {
        var good = JsonFile([new Entry(LogStreamKind.Stderr, BaseTime, "after", false)]).Bytes;
        var bytes = Encoding.UTF8.GetBytes("{\"log\":\"no time\\n\"}\nnot json at all\n").Concat(good).ToArray();
        var (decoded, _) = Decode(LogFileFormat.JsonFile, bytes, [bytes.Length], out var decoder);
        using var used = decoder;
        Assert.Equal([new Entry(LogStreamKind.Stderr, BaseTime, "after", false)], decoded);
        Assert.Equal(2, decoder.Malformed);
        Assert.Contains("offset 20", decoder.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_LocalFrameWithWrongTrailer_Refused()
    {
        var bytes = Local([new Entry(LogStreamKind.Stdout, BaseTime, "x", false)]).Bytes;
        bytes[^1] ^= 1;
        using var decoder = new LogFileDecoder(LogFileFormat.Local);
        bytes.CopyTo(decoder.GetInputBuffer());
        decoder.Commit(bytes.Length);
        var e = Assert.Throws<InvalidDataException>(() => decoder.TryRead(out _));
        Assert.Contains("offset 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_LocalEntryWithDamagedMessage_SkippedCountedAndTheNextRead()
    {
        // A well-framed entry whose message ends inside a varint field (tag of field 2, then a byte
        // that promises more): the frame is kept, the entry skipped with the byte named.
        byte[] damaged = [0x10, 0x80];
        var frame = new byte[8 + damaged.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)damaged.Length);
        damaged.CopyTo(frame, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4 + damaged.Length), (uint)damaged.Length);
        var good = Local([new Entry(LogStreamKind.Stderr, BaseTime, "after", false)]).Bytes;
        var bytes = frame.Concat(good).ToArray();
        var (decoded, _) = Decode(LogFileFormat.Local, bytes, [bytes.Length], out var decoder);
        using var used = decoder;
        Assert.Equal([new Entry(LogStreamKind.Stderr, BaseTime, "after", false)], decoded);
        Assert.Equal(1, decoder.Malformed);
        Assert.StartsWith("invalid local driver log entry at byte 2: ", decoder.LastError, StringComparison.Ordinal);
        Assert.EndsWith("(entry at offset 0)", decoder.LastError, StringComparison.Ordinal);
    }

    private static (List<Entry> Entries, List<long> Ends) Decode(LogFileFormat format, byte[] bytes, int[] pieces) =>
        Decode(format, bytes, pieces, out _);

    private static (List<Entry> Entries, List<long> Ends) Decode(LogFileFormat format, byte[] bytes, int[] pieces, out LogFileDecoder used)
    {
        var decoder = new LogFileDecoder(format);
        used = decoder;
        var entries = new List<Entry>();
        var ends = new List<long>();
        var at = 0;
        var piece = 0;
        while (true)
        {
            while (decoder.TryRead(out var entry))
            {
                entries.Add(new Entry(entry.Stream, entry.TimeNs, Encoding.UTF8.GetString(entry.Text.Span), entry.Continues));
                ends.Add(entry.End);
            }
            if (at == bytes.Length)
            {
                return (entries, ends);
            }
            var buffer = decoder.GetInputBuffer();
            var size = Math.Min(Math.Min(buffer.Length, bytes.Length - at), pieces.Length == 0 ? int.MaxValue : pieces[piece++ % pieces.Length]);
            bytes.AsSpan(at, size).CopyTo(buffer.Span);
            decoder.Commit(size);
            at += size;
        }
    }

    /// <summary>As Docker's json-file driver writes entries: a line feed ends the log of a whole line only.</summary>
    private static (byte[] Bytes, List<long> Ends) JsonFile(IEnumerable<Entry> entries)
    {
        var output = new MemoryStream();
        var ends = new List<long>();
        foreach (var e in entries)
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds(e.TimeNs / 1_000_000).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
                + "." + (e.TimeNs % 1_000_000_000).ToString("D9", System.Globalization.CultureInfo.InvariantCulture) + "Z";
            var json = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["log"] = e.Continues ? e.Text : e.Text + "\n",
                ["stream"] = e.Stream == LogStreamKind.Stderr ? "stderr" : "stdout",
                ["time"] = time,
            });
            output.Write(Encoding.UTF8.GetBytes(json + "\n"));
            ends.Add(output.Length);
        }
        return (output.ToArray(), ends);
    }

    /// <summary>As Docker's local driver writes entries (logdriver.LogEntry, framed by its length before and after).</summary>
    private static (byte[] Bytes, List<long> Ends) Local(IEnumerable<Entry> entries)
    {
        var output = new MemoryStream();
        var ends = new List<long>();
        var ordinal = 0;
        foreach (var e in entries)
        {
            var message = new MemoryStream();
            Field(message, 1, Encoding.UTF8.GetBytes(e.Stream == LogStreamKind.Stderr ? "stderr" : "stdout"));
            Varint(message, (2 << 3) | 0);
            Varint(message, (ulong)e.TimeNs);
            Field(message, 3, Encoding.UTF8.GetBytes(e.Text));
            // A piece of a split line says so, with its ordinal; the last piece says it is the last.
            var partial = e.Continues || ordinal > 0;
            if (partial)
            {
                Varint(message, (4 << 3) | 0);
                Varint(message, 1);
                var metadata = new MemoryStream();
                Varint(metadata, (1 << 3) | 0);
                Varint(metadata, e.Continues ? 0UL : 1UL);
                Field(metadata, 2, "abc"u8.ToArray());
                Varint(metadata, (3 << 3) | 0);
                Varint(metadata, (ulong)++ordinal);
                Field(message, 5, metadata.ToArray());
            }
            Field(message, 6, [10, 1, (byte)'k', 18, 1, (byte)'v']);
            ordinal = e.Continues ? ordinal : 0;
            var size = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(size, (uint)message.Length);
            output.Write(size);
            output.Write(message.ToArray());
            output.Write(size);
            ends.Add(output.Length);
        }
        return (output.ToArray(), ends);
    }

    private static void Field(MemoryStream output, int number, byte[] value)
    {
        Varint(output, (ulong)((number << 3) | 2));
        Varint(output, (ulong)value.Length);
        output.Write(value);
    }

    private static void Varint(MemoryStream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }
}
