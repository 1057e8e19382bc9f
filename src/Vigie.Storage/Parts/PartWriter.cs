using System.Buffers.Binary;
using System.IO.Hashing;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

/// <summary>
/// Writes blocks into one new part file: header, every block's segments in order, the index, the
/// footer; then fsyncs. Publishing (rename into place, directory sync) is the caller's job.
/// </summary>
/// <remarks>
/// Streams the blocks: only the current block's encoded segments and the growing index are held,
/// so a merge can pass a lazy sequence. Each call uses its own encoder, so concurrent writes of
/// different parts are safe.
/// </remarks>
public static class PartWriter
{
    private const int FileBufferSize = 256 * 1024;

    /// <summary>Writes <paramref name="blocks"/>, in the order given, to a file created new at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">A block is empty or its times are not ascending.</exception>
    /// <exception cref="IOException">The file exists already or cannot be written; a partial file is removed.</exception>
    public static PartSummary Write(string path, IEnumerable<ColumnarBlock> blocks, PartWriteOptions? options = null) =>
        Write(path, blocks.Select(PartBlock.Of), options);

    /// <summary>
    /// Writes <paramref name="blocks"/>, in the order given, to a file created new at <paramref name="path"/>: built
    /// blocks are encoded, blocks of other parts are copied as stored (their checksums verified on the way).
    /// </summary>
    /// <exception cref="ArgumentException">A built block is empty or its times are not ascending.</exception>
    /// <exception cref="IOException">The file exists already or cannot be written; a partial file is removed.</exception>
    /// <exception cref="PartCorruptException">A block to copy is damaged in its source part.</exception>
    internal static PartSummary Write(string path, IEnumerable<PartBlock> blocks, PartWriteOptions? options = null)
    {
        options ??= PartWriteOptions.Default;
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileBufferSize);
        try
        {
            PartSummary summary;
            using (file)
            {
                summary = WriteTo(file, blocks, options);
                file.Flush(flushToDisk: options.Sync);
            }
            return summary;
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    private static PartSummary WriteTo(FileStream file, IEnumerable<PartBlock> blocks, PartWriteOptions options)
    {
        Span<byte> fixedBytes = stackalloc byte[PartFormat.FooterSize];
        BinaryPrimitives.WriteUInt64LittleEndian(fixedBytes, PartFormat.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedBytes[8..], PartFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedBytes[12..], 0);
        file.Write(fixedBytes[..PartFormat.HeaderSize]);

        long position = PartFormat.HeaderSize;
        long rows = 0;
        long valueBytes = 0;
        var minTime = long.MaxValue;
        var maxTime = long.MinValue;
        var infos = new List<BlockInfo>();
        // Shares names, streams and values across the blocks as reading the index back would: the
        // index goes to the new part's reader as it is (PartReader.OpenWritten).
        var interner = new IndexInterner();
        foreach (var encoded in EncodeInParallel(blocks, options.CompressionLevel))
        {
            if (encoded.Copied is { } copied)
            {
                // A copied block's segments keep their order and checksums; only their offsets move.
                var info = PartIndex.Copied(interner, copied.Info, position - copied.Info.Times.Offset);
                try
                {
                    file.Write(copied.Bytes.AsSpan(0, copied.Length));
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(copied.Bytes);
                }
                position += copied.Length;
                infos.Add(info);
                rows += info.RowCount;
                valueBytes += copied.Length;
                minTime = Math.Min(minTime, info.MinTime);
                maxTime = Math.Max(maxTime, info.MaxTime);
                continue;
            }
            var block = encoded.Block!;
            // The block's segments lie back to back in the order the file holds them: one write.
            var segments = encoded.Stored.Span;
            var at = 0;
            var times = Segment(segments, ref at, ref position, encoded.TimesLength);
            var columns = new ColumnInfo[block.Columns.Count];
            for (var c = 0; c < columns.Length; c++)
            {
                var column = encoded.Columns[c];
                var data = Segment(segments, ref at, ref position, column.DataLength);
                SegmentRef? bloom = column.BloomLength == 0 ? null : Segment(segments, ref at, ref position, column.BloomLength);
                columns[c] = PartIndex.WrittenColumn(
                    interner, block.Columns[c].Name, column.Encoding, column.KindsLayout, column.UniformKind, column.PresentRows,
                    column.Entries, column.MinNumber, column.MaxNumber, data, bloom);
                valueBytes += block.Columns[c].Offsets[block.RowCount];
            }
            file.Write(segments);
            var blockMin = block.Times[0];
            var blockMax = block.Times[block.RowCount - 1];
            infos.Add(PartIndex.Written(interner, block.Stream, blockMin, blockMax, block.RowCount, times, columns, PartFormat.TimesEncoding.Packed));
            // A flush's or merge's block borrows its builder's arrays: written, they can fill the next blocks.
            block.ReturnLentBuffers();
            rows += block.RowCount;
            minTime = Math.Min(minTime, blockMin);
            maxTime = Math.Max(maxTime, blockMax);
        }
        if (infos.Count == 0)
        {
            minTime = maxTime = 0;
        }

        using var raw = new ByteBuffer(64 * 1024);
        PartIndex.Write(raw, infos);
        using var stored = new ByteBuffer(raw.Length + 64);
        SegmentEnvelope.Wrap(raw.Span, stored, options.CompressionLevel);
        var indexOffset = position;
        file.Write(stored.Span);
        position += stored.Length;

        var footer = new PartFooter(indexOffset, stored.Length, raw.Length, XxHash64.HashToUInt64(stored.Span), rows, minTime, maxTime, infos.Count);
        footer.WriteTo(fixedBytes);
        file.Write(fixedBytes);
        position += PartFormat.FooterSize;
        return new PartSummary(rows, infos.Count, minTime, maxTime, position, valueBytes) { Index = infos };
    }

    /// <summary>
    /// Encodes blocks a few at a time on all cores, yielding them in their original order: encoding
    /// (bloom filters, zstd) is the costly part of a flush or merge, writing is cheap. One encoder per
    /// core serves the whole part, so its buffers grow once per part, not once per window.
    /// </summary>
    private static IEnumerable<EncodedBlock> EncodeInParallel(IEnumerable<PartBlock> blocks, int level)
    {
        var window = Math.Max(1, Environment.ProcessorCount);
        var encoders = new ColumnEncoder[window];
        for (var i = 0; i < window; i++)
        {
            encoders[i] = EncoderPool.Shared.Rent(level);
        }
        try
        {
            var pending = new List<PartBlock>(window);
            var index = 0;
            foreach (var block in blocks)
            {
                if (block.Built is { } built)
                {
                    Validate(built, index);
                }
                index++;
                pending.Add(block);
                if (pending.Count == window)
                {
                    foreach (var e in EncodeAll(pending, encoders))
                    {
                        yield return e;
                    }
                    pending.Clear();
                }
            }
            foreach (var e in EncodeAll(pending, encoders))
            {
                yield return e;
            }
        }
        finally
        {
            foreach (var encoder in encoders)
            {
                EncoderPool.Shared.Return(encoder, level);
            }
        }
    }

    private static EncodedBlock[] EncodeAll(List<PartBlock> blocks, ColumnEncoder[] encoders)
    {
        var encoded = new EncodedBlock[blocks.Count];
        if (blocks.Count == 1)
        {
            encoded[0] = Encode(blocks[0], encoders[0]);
            return encoded;
        }
        try
        {
            Parallel.For(0, Math.Min(encoders.Length, blocks.Count), worker =>
            {
                for (var i = worker; i < blocks.Count; i += encoders.Length)
                {
                    encoded[i] = Encode(blocks[i], encoders[worker]);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Callers act on the exception's type (a damaged source part, a full disk), not on a wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return encoded;
    }

    private static EncodedBlock Encode(PartBlock item, ColumnEncoder encoder)
    {
        if (item.Built is not { } block)
        {
            var bytes = item.Source!.ReadStoredBlock(item.SourceBlock, out var length);
            return new EncodedBlock(null, default, 0, [], new CopiedBlock(item.Source.Blocks[item.SourceBlock], bytes, length));
        }
        // The encoder serves one block per window, written before the next window is encoded, so
        // its Stored buffer can hold this block's segments until then.
        var stored = encoder.Stored;
        stored.Clear();
        // A block's arrays may be lent, longer than its rows: its rows' times only.
        stored.Write(encoder.EncodeTimes(block.RowTimes));
        var timesLength = stored.Length;
        var columns = new StoredColumn[block.Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var e = encoder.Encode(block.Columns[c], block.Columns, c);
            stored.Write(e.Data);
            stored.Write(e.Bloom);
            columns[c] = new StoredColumn(e.Encoding, e.KindsLayout, e.UniformKind, e.PresentRows, e.Entries, e.MinNumber, e.MaxNumber, e.Data.Length, e.Bloom.Length);
        }
        return new EncodedBlock(block, stored.Memory, timesLength, columns, null);
    }

    /// <summary>An encoded block: its stored segments (times, then per column data and bloom) in <see cref="Stored"/>, or a block copied as stored.</summary>
    private sealed record EncodedBlock(ColumnarBlock? Block, ReadOnlyMemory<byte> Stored, int TimesLength, StoredColumn[] Columns, CopiedBlock? Copied);

    /// <summary>A block's stored bytes read from its source part (a rented array) and its index entry there.</summary>
    private sealed record CopiedBlock(BlockInfo Info, byte[] Bytes, int Length);

    private sealed record StoredColumn(
        ColumnEncoding Encoding, PartFormat.KindsLayout KindsLayout, Vigie.Core.ValueKind UniformKind, int PresentRows,
        DictEntry[] Entries, double? MinNumber, double? MaxNumber, int DataLength, int BloomLength);

    /// <summary>The next <paramref name="length"/> bytes of a block's stored segments, at <paramref name="position"/> in the file.</summary>
    private static SegmentRef Segment(ReadOnlySpan<byte> stored, ref int at, ref long position, int length)
    {
        var bytes = stored.Slice(at, length);
        var segment = new SegmentRef(position, length, XxHash64.HashToUInt64(bytes));
        at += length;
        position += length;
        return segment;
    }

    private static void Validate(ColumnarBlock block, int index)
    {
        if (block.RowCount == 0)
        {
            throw new ArgumentException($"block {index} has no rows", nameof(block));
        }
        if (block.RowCount > PartFormat.MaxRowsPerBlock || block.Columns.Count > PartFormat.MaxColumnsPerBlock)
        {
            throw new ArgumentException($"block {index} has {block.RowCount} rows and {block.Columns.Count} columns, over the format's limits", nameof(block));
        }
        var times = block.RowTimes;
        for (var i = 1; i < times.Length; i++)
        {
            if (times[i] < times[i - 1])
            {
                throw new ArgumentException($"block {index}: times are not ascending at row {i}", nameof(block));
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
