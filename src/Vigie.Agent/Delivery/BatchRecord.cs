using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Delivery;

/// <summary>Encodes a batch as a record and checks records read back (layout in <see cref="BufferFormat"/>).</summary>
internal static class BatchRecord
{
    /// <summary>Fills <see cref="Batch.Record"/> with the batch under <paramref name="seq"/>; <paramref name="scratch"/> holds the gzip output.</summary>
    public static void Encode(Batch batch, long seq, MemoryStream scratch)
    {
        var record = batch.Record;
        record.Clear();
        record.Advance(BufferFormat.HeaderBytes);
        BinaryPrimitives.WriteInt32LittleEndian(record.GetSpan(4), batch.Lines);
        record.Advance(4);
        BinaryPrimitives.WriteUInt16LittleEndian(record.GetSpan(2), checked((ushort)batch.Positions.Count));
        record.Advance(2);
        foreach (var (key, position) in batch.Positions)
        {
            PositionCodec.Write(record, key, position);
        }
        scratch.SetLength(0);
        using (var gzip = new GZipStream(scratch, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(batch.Ndjson.WrittenSpan);
        }
        record.Write(scratch.GetBuffer().AsSpan(0, (int)scratch.Length));
        WriteHeader(record, seq);
        batch.Seq = seq;
    }

    private static void WriteHeader(PooledBuffer record, long seq)
    {
        // The header's span is taken after the payload is complete: the buffer may have moved while it grew.
        var bytes = record.WrittenBytes;
        var payloadLength = bytes.Length - BufferFormat.HeaderBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, BufferFormat.RecordMagic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[12..], seq);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], Checksum(bytes[12..]));
    }

    /// <summary>CRC-32 of the sequence number and the payload (everything after the CRC field).</summary>
    private static uint Checksum(ReadOnlySpan<byte> seqAndPayload) => Crc32.HashToUInt32(seqAndPayload);

    /// <summary>Reads a record's header: false when it is not one (bad magic, absurd length).</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out int payloadLength, out uint crc, out long seq)
    {
        payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        crc = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        seq = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        return BinaryPrimitives.ReadUInt32LittleEndian(header) == BufferFormat.RecordMagic
            && payloadLength is >= 6 and <= BufferFormat.MaxPayloadBytes
            && seq > 0;
    }

    /// <summary>True when <paramref name="crc"/> matches the sequence number and payload.</summary>
    public static bool Verify(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, uint crc)
    {
        var crc32 = new Crc32();
        crc32.Append(header[12..BufferFormat.HeaderBytes]);
        crc32.Append(payload);
        return crc32.GetCurrentHashAsUInt32() == crc;
    }

    /// <summary>
    /// Splits a checked payload into its line count, positions (given to <paramref name="apply"/>) and
    /// where the gzip body starts; false when the positions do not parse.
    /// </summary>
    public static bool TryReadPayload(ReadOnlySpan<byte> payload, Action<string, SourcePosition?> apply, out int lines, out int bodyOffset)
    {
        lines = BinaryPrimitives.ReadInt32LittleEndian(payload);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(payload[4..]);
        bodyOffset = 0;
        if (lines < 0 || !PositionCodec.TryRead(payload[6..], count, apply, out var consumed))
        {
            return false;
        }
        bodyOffset = 6 + consumed;
        return true;
    }
}
