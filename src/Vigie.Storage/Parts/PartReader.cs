using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

/// <summary>
/// An open part file: its index in memory, its data and blooms read on demand (the OS page cache
/// does the caching).
/// </summary>
/// <remarks>
/// Thread-safe: reads go through one <see cref="SafeFileHandle"/> with <see cref="RandomAccess"/> at
/// explicit offsets, and every read uses its own buffers, so any number of query workers may read
/// at once. Damaged or truncated bytes always surface as <see cref="PartCorruptException"/>: at
/// <see cref="Open"/> for the header, footer and index, at first use for a data or bloom segment,
/// whose checksum is verified on every read. Dispose only once no read is in flight.
/// </remarks>
public sealed class PartReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly List<BlockInfo> _blocks;

    private PartReader(string path, SafeFileHandle handle, long fileBytes, PartFooter footer, List<BlockInfo> blocks)
    {
        Path = path;
        _handle = handle;
        FileBytes = fileBytes;
        RowCount = footer.RowCount;
        MinTime = footer.MinTime;
        MaxTime = footer.MaxTime;
        _blocks = blocks;
    }

    public string Path { get; }

    public IReadOnlyList<BlockInfo> Blocks => _blocks;

    public long RowCount { get; }

    public long MinTime { get; }

    public long MaxTime { get; }

    public long FileBytes { get; }

    /// <summary>Opens a part, checking header, footer and index.</summary>
    /// <exception cref="PartCorruptException">The file is damaged or truncated.</exception>
    public static PartReader Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
        try
        {
            var length = RandomAccess.GetLength(handle);
            var (footer, blocks) = ReadIndex(path, handle, length);
            return new PartReader(path, handle, length, footer, blocks);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a part just written by <see cref="PartWriter"/>, at <paramref name="path"/> (where it was
    /// moved after writing), with the index the writer held (<see cref="PartSummary.Index"/>) instead of
    /// reading it back: the same entries, shared the same way, as <see cref="Open"/> would read. The
    /// file stays the truth: a restart opens it with <see cref="Open"/>, and its data and bloom
    /// segments are checked against their checksums on every read as with any part.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened, or its length is not the length written.</exception>
    internal static PartReader OpenWritten(string path, PartSummary summary)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length != summary.FileBytes || summary.Index.Count != summary.Blocks)
            {
                throw new IOException($"part {path} is {length} bytes with {summary.Index.Count} blocks in hand; {summary.FileBytes} bytes and {summary.Blocks} blocks were written");
            }
            var footer = new PartFooter(0, 0, 0, 0, summary.Rows, summary.MinTime, summary.MaxTime, summary.Blocks);
            return new PartReader(path, handle, length, footer, summary.Index as List<BlockInfo> ?? [.. summary.Index]);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decodes block <paramref name="blockIndex"/>: its times and the <paramref name="columns"/> asked for
    /// (null for all; names the block lacks are skipped). Without <paramref name="withTimes"/>, the times
    /// are not read (a query that does not look at them saves their decoding): see <see cref="ColumnarBlock.HasTimes"/>.
    /// </summary>
    /// <exception cref="PartCorruptException">A segment's checksum or contents are wrong.</exception>
    public ColumnarBlock ReadBlock(int blockIndex, IReadOnlyCollection<string>? columns = null, bool withTimes = true)
        => ReadBlock(blockIndex, columns, withTimes, lender: null);

    /// <summary>
    /// Like <see cref="ReadBlock(int, IReadOnlyCollection{string}?, bool)"/>, but the value bytes of its
    /// text columns are in arrays rented from <paramref name="lender"/>: the caller gives them back with
    /// <see cref="ColumnarBlock.ReturnLentBuffers"/> once it no longer reads the block (nor anything
    /// taken from it), and the next block read with the same lender reuses them.
    /// </summary>
    internal ColumnarBlock ReadBlock(int blockIndex, IReadOnlyCollection<string>? columns, bool withTimes, LentBuffers? lender)
    {
        var block = GetBlock(blockIndex);
        var times = withTimes ? ReadTimes(blockIndex) : null;
        var decoded = new List<Column>(columns is null ? block.Columns.Count : Math.Min(columns.Count, block.Columns.Count));
        var rented = lender is null ? null : new List<byte[]>();
        // Columns decoded so far by their index in the block: a template column's references are read
        // even when not asked for (and not added to the result then), and a column is decoded once.
        var byIndex = new Column?[block.Columns.Count];
        for (var i = 0; i < byIndex.Length; i++)
        {
            if (columns is null || columns.Contains(block.Columns[i].Name))
            {
                decoded.Add(byIndex[i] ??= ReadColumn(blockIndex, block, i, lender, rented, byIndex));
            }
        }
        var result = times is null ? ColumnarBlock.WithoutTimes(block.Stream, block.RowCount, decoded) : new ColumnarBlock(block.Stream, times, decoded);
        return lender is null || rented!.Count == 0 ? result : result.WithLent(lender, [.. rented]);
    }

    /// <summary>
    /// Decodes every column and the times of block <paramref name="blockIndex"/> for copying its rows
    /// (merges): the block's times and its columns' kinds and offsets are arrays rented from
    /// <paramref name="rows"/>, usually longer than its rows, and its columns' value bytes arrays rented
    /// from <paramref name="lender"/>; the columns have their texts and no typed view. The caller gives
    /// the arrays back with <see cref="ColumnarBlock.ReturnLentBuffers"/> once nothing reads the block.
    /// The block's stored bytes are read at once (its segments are contiguous), and the times' and
    /// columns' checksums verified as <see cref="ReadBlock(int, IReadOnlyCollection{string}?, bool)"/> does
    /// (the blooms are not read by it, nor checked here).
    /// </summary>
    /// <exception cref="PartCorruptException">A segment's checksum or contents are wrong.</exception>
    internal ColumnarBlock ReadBlockLent(int blockIndex, LentBuffers lender, LentRows rows)
    {
        var block = GetBlock(blockIndex);
        var start = block.Times.Offset;
        var length = checked((int)(block.End - start));
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            ReadExactly(Path, _handle, buffer.AsSpan(0, length), start, $"block {blockIndex}");
            var times = rows.Times.Rent(ColumnDecoder.LentLength(block.RowCount));
            DecodeTimes(blockIndex, block, Checked(block.Times, null), times.AsSpan(0, block.RowCount));
            var columns = new Column?[block.Columns.Count];
            var rented = new List<byte[]>(columns.Length);
            for (var i = 0; i < columns.Length; i++)
            {
                Decode(i);
            }
            return new ColumnarBlock(block.Stream, times, block.RowCount, columns!).WithLent(lender, [.. rented], rows);

            // A template column decodes the columns it refers to first (they are in the block anyway).
            Column Decode(int i)
            {
                if (columns[i] is { } done)
                {
                    return done;
                }
                var c = block.Columns[i];
                try
                {
                    var references = c.Encoding == ColumnEncoding.Template
                        ? new TemplateReferences(columns.Length, i, j => Decode(ReferenceOf(block, j)))
                        : null;
                    return columns[i] = ColumnDecoder.DecodeLent(
                        c.Name, c.Encoding, c.KindsLayout, c.UniformKind ?? Core.ValueKind.Absent,
                        c.PresentRows, c.Entries, block.RowCount, Checked(c.Data, c.Name), lender, rows, rented, references);
                }
                catch (InvalidDataException e)
                {
                    throw new PartCorruptException(Path, c.Data.Offset, $"block {blockIndex} column {c.Name}: {e.Message}", e);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // The segment's bytes in the block read, checked; column null for the times.
        ReadOnlySpan<byte> Checked(SegmentRef segment, string? column)
        {
            var bytes = buffer.AsSpan((int)(segment.Offset - start), segment.Length);
            if (XxHash64.HashToUInt64(bytes) != segment.Checksum)
            {
                var what = column is null ? "times" : $"column {column}";
                throw new PartCorruptException(Path, segment.Offset, $"block {blockIndex} {what}: checksum mismatch over {segment.Length} bytes");
            }
            return bytes;
        }
    }

    /// <summary>The times of block <paramref name="blockIndex"/>, ascending.</summary>
    public long[] ReadTimes(int blockIndex)
    {
        var times = new long[GetBlock(blockIndex).RowCount];
        ReadTimes(blockIndex, times);
        return times;
    }

    /// <summary>
    /// Decodes the times of block <paramref name="blockIndex"/> into <paramref name="times"/>, which must
    /// hold exactly its <see cref="BlockInfo.RowCount"/> rows: for callers that reuse one buffer across blocks.
    /// </summary>
    /// <exception cref="PartCorruptException">The segment's checksum or contents are wrong.</exception>
    public void ReadTimes(int blockIndex, Span<long> times)
    {
        var block = GetBlock(blockIndex);
        ArgumentOutOfRangeException.ThrowIfNotEqual(times.Length, block.RowCount);
        var stored = ReadSegment(block.Times, $"block {blockIndex} times");
        try
        {
            DecodeTimes(blockIndex, block, stored.AsSpan(0, block.Times.Length), times);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    /// <summary>Decodes a block's stored times (checksum already verified) into <paramref name="times"/>, of its row count.</summary>
    private void DecodeTimes(int blockIndex, BlockInfo block, ReadOnlySpan<byte> stored, Span<long> times)
    {
        try
        {
            ColumnDecoder.DecodeTimes(stored, times, block.TimesEncoding);
            if (times[0] != block.MinTime || times[^1] != block.MaxTime)
            {
                throw new InvalidDataException($"times span [{times[0]}, {times[^1]}], the index says [{block.MinTime}, {block.MaxTime}]");
            }
        }
        catch (InvalidDataException e)
        {
            throw new PartCorruptException(Path, block.Times.Offset, $"block {blockIndex} times: {e.Message}", e);
        }
    }

    /// <summary>
    /// False when the bloom filter of <paramref name="columnName"/> in block <paramref name="blockIndex"/>
    /// proves some token absent, or the block lacks the column. True when every token may be there, and
    /// for Const and Dict columns, which have no bloom: test <see cref="ColumnInfo.ConstValue"/> and
    /// <see cref="ColumnInfo.DictionaryValues"/> for those instead.
    /// </summary>
    public bool MayContainAllTokens(int blockIndex, string columnName, ReadOnlySpan<ulong> tokenHashes)
    {
        var block = GetBlock(blockIndex);
        var column = block.FindColumn(columnName);
        if (column is null)
        {
            return false;
        }
        if (tokenHashes.IsEmpty)
        {
            return true;
        }
        if (column.Bloom is not { } segment)
        {
            return true;
        }
        var stored = ReadSegment(segment, $"block {blockIndex} column {column.Name} bloom");
        try
        {
            return BloomFilter.MayContainAll(stored.AsSpan(0, segment.Length), tokenHashes);
        }
        catch (InvalidDataException e)
        {
            throw new PartCorruptException(Path, segment.Offset, $"block {blockIndex} column {column.Name} bloom: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    /// <summary>The bloom filter of a column, read from the file (for callers that keep their own cache); null if it has none.</summary>
    public BloomFilter? ReadBloom(int blockIndex, ColumnInfo column)
    {
        if (column.Bloom is not { } segment)
        {
            return null;
        }
        var stored = ReadSegment(segment, $"block {blockIndex} column {column.Name} bloom");
        try
        {
            return BloomFilter.Read(stored.AsSpan(0, segment.Length));
        }
        catch (InvalidDataException e)
        {
            throw new PartCorruptException(Path, segment.Offset, $"block {blockIndex} column {column.Name} bloom: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    /// <summary>
    /// The stored bytes of block <paramref name="blockIndex"/> as they lie in the file (its segments are
    /// contiguous: times, then per column data and bloom), each segment's checksum verified, in a
    /// rented array the caller returns to <see cref="ArrayPool{T}.Shared"/>. For merges that copy a
    /// block into a new part without decoding it: a damaged block is refused here rather than
    /// carried into the new part.
    /// </summary>
    /// <exception cref="PartCorruptException">A segment's checksum is wrong or the file ends early.</exception>
    internal byte[] ReadStoredBlock(int blockIndex, out int length)
    {
        var block = GetBlock(blockIndex);
        var start = block.Times.Offset;
        var end = block.End;
        length = checked((int)(end - start));
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            ReadExactly(Path, _handle, buffer.AsSpan(0, length), start, $"block {blockIndex}");
            Check(block.Times, "times");
            foreach (var c in block.Columns)
            {
                Check(c.Data, $"column {c.Name}");
                if (c.Bloom is { } bloom)
                {
                    Check(bloom, $"column {c.Name} bloom");
                }
            }
            return buffer;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        void Check(SegmentRef segment, string what)
        {
            if (XxHash64.HashToUInt64(buffer.AsSpan((int)(segment.Offset - start), segment.Length)) != segment.Checksum)
            {
                throw new PartCorruptException(Path, segment.Offset, $"block {blockIndex} {what}: checksum mismatch over {segment.Length} bytes");
            }
        }
    }

    /// <summary>Reads and decodes every segment: a full check for scrubbing and tests.</summary>
    /// <exception cref="PartCorruptException">Some segment is damaged.</exception>
    public void Verify()
    {
        for (var b = 0; b < _blocks.Count; b++)
        {
            ReadBlock(b);
            foreach (var c in _blocks[b].Columns)
            {
                ReadBloom(b, c);
            }
        }
    }

    public void Dispose() => _handle.Dispose();

    private BlockInfo GetBlock(int blockIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blockIndex, _blocks.Count);
        return _blocks[blockIndex];
    }

    /// <summary>
    /// Decodes column <paramref name="index"/> of a block; a template column first decodes the columns it
    /// refers to (without the lender: they are not in the result unless asked for), kept in
    /// <paramref name="byIndex"/> so that each is decoded once.
    /// </summary>
    private Column ReadColumn(int blockIndex, BlockInfo block, int index, LentBuffers? lender, List<byte[]>? rented, Column?[] byIndex)
    {
        var column = block.Columns[index];
        var what = $"block {blockIndex} column {column.Name}";
        TemplateReferences? references = null;
        if (column.Encoding == ColumnEncoding.Template)
        {
            references = new TemplateReferences(block.Columns.Count, index, j =>
            {
                var other = ReferenceOf(block, j);
                return byIndex[other] ??= ReadColumn(blockIndex, block, other, null, null, byIndex);
            });
        }
        var stored = ReadSegment(column.Data, what);
        try
        {
            return ColumnDecoder.Decode(
                column.Name, column.Encoding, column.KindsLayout, column.UniformKind ?? Core.ValueKind.Absent,
                column.PresentRows, column.Entries, block.RowCount, stored.AsSpan(0, column.Data.Length),
                column.Encoding == ColumnEncoding.Dict ? column.DictionaryValues : column.ConstValue is { } constant ? [constant] : null,
                lender, rented, references);
        }
        catch (InvalidDataException e)
        {
            throw new PartCorruptException(Path, column.Data.Offset, $"{what}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    /// <summary>
    /// Column <paramref name="columnName"/> of block <paramref name="blockIndex"/> as its templates, the
    /// columns they refer to not decoded; null when the block lacks the column or it is not a
    /// <see cref="ColumnEncoding.Template"/> column.
    /// </summary>
    /// <exception cref="PartCorruptException">The segment's checksum or contents are wrong.</exception>
    public TemplateView? ReadTemplateView(int blockIndex, string columnName)
    {
        var block = GetBlock(blockIndex);
        var index = -1;
        for (var i = 0; i < block.Columns.Count; i++)
        {
            if (block.Columns[i].Name == columnName)
            {
                index = i;
                break;
            }
        }
        if (index < 0 || block.Columns[index].Encoding != ColumnEncoding.Template)
        {
            return null;
        }
        var column = block.Columns[index];
        var what = $"block {blockIndex} column {column.Name}";
        var stored = ReadSegment(column.Data, what);
        try
        {
            return ColumnDecoder.DecodeTemplateView(
                column.KindsLayout, column.UniformKind ?? Core.ValueKind.Absent, column.PresentRows, block.RowCount,
                stored.AsSpan(0, column.Data.Length), block.Columns.Count, index, j => block.Columns[j].Encoding == ColumnEncoding.Template);
        }
        catch (InvalidDataException e)
        {
            throw new PartCorruptException(Path, column.Data.Offset, $"{what}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    /// <summary>Column <paramref name="index"/> of a block as a template's reference: never a template itself.</summary>
    private static int ReferenceOf(BlockInfo block, int index) => block.Columns[index].Encoding == ColumnEncoding.Template
        ? throw new InvalidDataException($"a template refers to column {block.Columns[index].Name}, itself a template")
        : index;

    /// <summary>Reads a segment into a rented array and checks its checksum; the caller returns the array.</summary>
    private byte[] ReadSegment(SegmentRef segment, string what)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, segment.Length));
        try
        {
            ReadExactly(Path, _handle, buffer.AsSpan(0, segment.Length), segment.Offset, what);
            if (XxHash64.HashToUInt64(buffer.AsSpan(0, segment.Length)) != segment.Checksum)
            {
                throw new PartCorruptException(Path, segment.Offset, $"{what}: checksum mismatch over {segment.Length} bytes");
            }
            return buffer;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Whether the footer, intact under its checksum and magic, declares <paramref name="version"/> too:
    /// a newer writer's part rather than a header whose version bytes were damaged.
    /// </summary>
    private static bool FooterDeclares(SafeFileHandle handle, long length, uint version)
    {
        Span<byte> footer = stackalloc byte[PartFormat.FooterSize];
        if (RandomAccess.Read(handle, footer, length - PartFormat.FooterSize) != PartFormat.FooterSize)
        {
            return false;
        }
        return PartFooter.TryReadVersion(footer, out var declared, out _, out _) && declared == version;
    }

    private static (PartFooter Footer, List<BlockInfo> Blocks) ReadIndex(string path, SafeFileHandle handle, long length)
    {
        if (length < PartFormat.HeaderSize + PartFormat.FooterSize)
        {
            throw new PartCorruptException(path, 0, $"file is {length} bytes, shorter than a header and footer");
        }
        Span<byte> header = stackalloc byte[PartFormat.HeaderSize];
        ReadExactly(path, handle, header, 0, "header");
        if (BinaryPrimitives.ReadUInt64LittleEndian(header) != PartFormat.Magic)
        {
            throw new PartCorruptException(path, 0, "header magic missing (not a part file)");
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (!PartFormat.IsReadable(version))
        {
            if (version > PartFormat.Version && FooterDeclares(handle, length, version))
            {
                throw new PartFormatTooNewException(path, version);
            }
            throw new PartCorruptException(path, 8, $"header format version {version}, this reader knows {PartFormat.MinReadableVersion} to {PartFormat.Version}");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != 0)
        {
            throw new PartCorruptException(path, 12, "header reserved bytes are not zero");
        }

        var footerOffset = length - PartFormat.FooterSize;
        Span<byte> footerBytes = stackalloc byte[PartFormat.FooterSize];
        ReadExactly(path, handle, footerBytes, footerOffset, "footer");
        if (PartFooter.TryRead(footerBytes, out var problem, out var at) is not { } footer)
        {
            throw new PartCorruptException(path, footerOffset + at, problem);
        }
        if (footer.IndexOffset < PartFormat.HeaderSize || footer.IndexStoredLength is <= 0 or > PartFormat.MaxSegmentBytes
            || footer.IndexOffset + footer.IndexStoredLength != footerOffset || footer.IndexRawLength is < 0 or > PartFormat.MaxSegmentBytes
            || footer.BlockCount < 0 || footer.RowCount < 0)
        {
            throw new PartCorruptException(path, footerOffset, $"footer places the index at [{footer.IndexOffset}, +{footer.IndexStoredLength}) in a file of {length} bytes");
        }

        var storedLength = (int)footer.IndexStoredLength;
        var stored = ArrayPool<byte>.Shared.Rent(storedLength);
        byte[]? raw = null;
        try
        {
            ReadExactly(path, handle, stored.AsSpan(0, storedLength), footer.IndexOffset, "index");
            if (XxHash64.HashToUInt64(stored.AsSpan(0, storedLength)) != footer.IndexChecksum)
            {
                throw new PartCorruptException(path, footer.IndexOffset, "index checksum mismatch");
            }
            raw = SegmentEnvelope.Unwrap(stored.AsSpan(0, storedLength), out var rawLength);
            if (rawLength != footer.IndexRawLength)
            {
                throw new InvalidDataException($"index decodes to {rawLength} bytes, the footer says {footer.IndexRawLength}");
            }
            var blocks = PartIndex.Read(raw.AsSpan(0, rawLength), length);
            CheckTotals(footer, blocks);
            CheckSegmentsTile(blocks, footer.IndexOffset);
            return (footer, blocks);
        }
        catch (InvalidDataException e)
        {
            throw new PartCorruptException(path, footer.IndexOffset, $"index: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
            if (raw is not null)
            {
                SegmentEnvelope.Release(raw);
            }
        }
    }

    private static void CheckTotals(PartFooter footer, List<BlockInfo> blocks)
    {
        long rows = 0;
        var min = long.MaxValue;
        var max = long.MinValue;
        foreach (var b in blocks)
        {
            rows += b.RowCount;
            min = Math.Min(min, b.MinTime);
            max = Math.Max(max, b.MaxTime);
        }
        if (blocks.Count == 0)
        {
            min = max = 0;
        }
        if (blocks.Count != footer.BlockCount || rows != footer.RowCount || min != footer.MinTime || max != footer.MaxTime)
        {
            throw new InvalidDataException($"blocks total {blocks.Count} blocks, {rows} rows, [{min}, {max}]; the footer says {footer.BlockCount}, {footer.RowCount}, [{footer.MinTime}, {footer.MaxTime}]");
        }
    }

    /// <summary>
    /// The segments, in index order, must cover the data region exactly, so that every byte between
    /// header and index lies under some checksum.
    /// </summary>
    private static void CheckSegmentsTile(List<BlockInfo> blocks, long indexOffset)
    {
        long expected = PartFormat.HeaderSize;
        void Next(SegmentRef s)
        {
            if (s.Offset != expected)
            {
                throw new InvalidDataException($"segment at {s.Offset} where {expected} was expected");
            }
            expected = s.End;
        }
        foreach (var b in blocks)
        {
            Next(b.Times);
            foreach (var c in b.Columns)
            {
                Next(c.Data);
                if (c.Bloom is { } bloom)
                {
                    Next(bloom);
                }
            }
        }
        if (expected != indexOffset)
        {
            throw new InvalidDataException($"segments end at {expected}, the index starts at {indexOffset}");
        }
    }

    private static void ReadExactly(string path, SafeFileHandle handle, Span<byte> buffer, long offset, string what)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (n == 0)
            {
                throw new PartCorruptException(path, offset + done, $"{what}: file ends early (truncated)");
            }
            done += n;
        }
    }
}
