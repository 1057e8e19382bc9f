using Vigie.Core;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// A text column rebuilt from other columns of its block (since part format 3). Payload, after the kinds:
/// varint template count T (1..<see cref="TemplateFinder.MaxTemplates"/>); per template a varint piece
/// count (1..<see cref="TemplateFinder.MaxPieces"/>), then per piece a varint h: h even is a literal of
/// h / 2 bytes (at least 1) that follow, h odd a reference to column (h − 1) / 2 of the block (in the
/// index's column order; never the column itself, never another Template column); then one byte per
/// present row, 0 for a row stored as it is, t for template t − 1; then the rows stored as they are,
/// in row order, each as a varint length and its bytes. A row's text is its template's pieces back
/// to back, a reference giving the referenced column's text in the same row (which must be present).
/// </summary>
internal static class TemplateEncoding
{
    /// <summary>The templates of a payload: per template its pieces, (column, −1, −1) or (−1, start, length) of a literal in the payload.</summary>
    public static (int[] TemplateStarts, (int Column, int Start, int Length)[] Pieces) ReadTemplates(ref SpanReader reader, int columnCount, int self)
    {
        var count = reader.ReadCount(TemplateFinder.MaxTemplates);
        if (count == 0)
        {
            throw new InvalidDataException("a template column needs a template");
        }
        var starts = new int[count + 1];
        var pieces = new List<(int Column, int Start, int Length)>();
        for (var t = 0; t < count; t++)
        {
            var n = reader.ReadCount(TemplateFinder.MaxPieces);
            if (n == 0)
            {
                throw new InvalidDataException($"template {t} has no piece");
            }
            for (var p = 0; p < n; p++)
            {
                var h = reader.ReadVarint();
                if ((h & 1) == 1)
                {
                    var column = h >> 1;
                    if (column >= (ulong)columnCount || (int)column == self)
                    {
                        throw new InvalidDataException($"template {t} refers to column {column} of {columnCount} (itself {self})");
                    }
                    pieces.Add(((int)column, -1, -1));
                }
                else
                {
                    var length = h >> 1;
                    if (length == 0 || length > (ulong)reader.Remaining)
                    {
                        throw new InvalidDataException($"template {t} has a literal of {length} bytes, {reader.Remaining} left");
                    }
                    pieces.Add((-1, reader.Position, (int)length));
                    reader.ReadBytes((int)length);
                }
            }
            starts[t + 1] = pieces.Count;
        }
        return (starts, [.. pieces]);
    }

    /// <summary>
    /// Decodes the rows' texts into <paramref name="offsets"/> and a byte array (from <paramref name="lender"/>
    /// when given). <paramref name="referenced"/> gives a column of the block by its index, decoded.
    /// </summary>
    public static byte[] Decode(
        ReadOnlySpan<byte> payload, ref SpanReader reader, ReadOnlySpan<ValueKind> kinds, int presentRows, int columnCount, int self,
        Func<int, Column> referenced, LentBuffers? lender, Span<int> offsets)
    {
        var (starts, pieces) = ReadTemplates(ref reader, columnCount, self);
        // The referenced columns' texts, once each (a typed column produces them here).
        var columns = new Column?[columnCount];
        var columnOffsets = new int[columnCount][];
        var columnBytes = new byte[columnCount][];
        foreach (var piece in pieces)
        {
            if (piece.Column >= 0 && columns[piece.Column] is null)
            {
                var column = referenced(piece.Column);
                if (column.RowCount != kinds.Length)
                {
                    throw new InvalidDataException($"referenced column {column.Name} has {column.RowCount} rows, not {kinds.Length}");
                }
                columns[piece.Column] = column;
                columnOffsets[piece.Column] = column.Offsets;
                columnBytes[piece.Column] = column.Bytes;
            }
        }
        var ids = reader.ReadBytes(presentRows);
        // First pass: each row's length (and the rows stored as they are), checked against the limits.
        offsets[0] = 0;
        long total = 0;
        var present = 0;
        var exceptionsStart = reader.Position;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                var id = ids[present++];
                if (id == 0)
                {
                    total += reader.ReadBlob().Length;
                }
                else
                {
                    if (id > starts.Length - 1)
                    {
                        throw new InvalidDataException($"row {r} names template {id - 1} of {starts.Length - 1}");
                    }
                    for (var p = starts[id - 1]; p < starts[id]; p++)
                    {
                        var piece = pieces[p];
                        if (piece.Column < 0)
                        {
                            total += piece.Length;
                            continue;
                        }
                        var column = columns[piece.Column]!;
                        if (column.Kinds[r] == ValueKind.Absent)
                        {
                            throw new InvalidDataException($"row {r} refers to column {column.Name}, absent there");
                        }
                        total += columnOffsets[piece.Column][r + 1] - columnOffsets[piece.Column][r];
                    }
                }
                if (total > PartFormat.MaxSegmentBytes)
                {
                    throw new InvalidDataException("template column decodes to more than the segment limit");
                }
            }
            offsets[r + 1] = (int)total;
        }
        var bytes = lender is null ? GC.AllocateUninitializedArray<byte>((int)total) : lender.Rent((int)total);
        var exceptions = new SpanReader(payload[exceptionsStart..reader.Position]);
        present = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] == ValueKind.Absent)
            {
                continue;
            }
            var at = offsets[r];
            var id = ids[present++];
            if (id == 0)
            {
                exceptions.ReadBlob().CopyTo(bytes.AsSpan(at));
                continue;
            }
            for (var p = starts[id - 1]; p < starts[id]; p++)
            {
                var piece = pieces[p];
                var part = piece.Column < 0
                    ? payload.Slice(piece.Start, piece.Length)
                    : columnBytes[piece.Column].AsSpan(columnOffsets[piece.Column][r], columnOffsets[piece.Column][r + 1] - columnOffsets[piece.Column][r]);
                part.CopyTo(bytes.AsSpan(at));
                at += part.Length;
            }
        }
        return bytes;
    }
    /// <summary>
    /// The payload's templates, per row template numbers and stored rows, without the referenced columns
    /// (<paramref name="isTemplate"/> tells whether column j of the block is itself a template column,
    /// which a reference may not name). The same checks as <see cref="Decode"/> but the referenced rows' presence.
    /// </summary>
    public static TemplateView ReadView(ReadOnlySpan<byte> payload, ref SpanReader reader, ValueKind[] kinds, int presentRows, int columnCount, int self, Func<int, bool> isTemplate)
    {
        var (starts, pieces) = ReadTemplates(ref reader, columnCount, self);
        var templates = new TemplatePiece[starts.Length - 1][];
        var joined = new List<TemplatePiece>();
        for (var t = 0; t < templates.Length; t++)
        {
            joined.Clear();
            for (var p = starts[t]; p < starts[t + 1]; p++)
            {
                var piece = pieces[p];
                if (piece.Column >= 0)
                {
                    if (isTemplate(piece.Column))
                    {
                        throw new InvalidDataException($"template {t} refers to column {piece.Column}, itself a template");
                    }
                    joined.Add(new TemplatePiece(piece.Column, null));
                    continue;
                }
                var literal = payload.Slice(piece.Start, piece.Length).ToArray();
                if (joined.Count > 0 && joined[^1].Literal is { } before)
                {
                    joined[^1] = new TemplatePiece(-1, [.. before, .. literal]);
                }
                else
                {
                    joined.Add(new TemplatePiece(-1, literal));
                }
            }
            templates[t] = [.. joined];
        }
        var ids = reader.ReadBytes(presentRows);
        var rowTemplates = new byte[kinds.Length];
        var rawOffsets = new int[kinds.Length + 1];
        var rawStart = reader.Position;
        long total = 0;
        var present = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent)
            {
                var id = ids[present++];
                if (id > templates.Length)
                {
                    throw new InvalidDataException($"row {r} names template {id - 1} of {templates.Length}");
                }
                rowTemplates[r] = id;
                if (id == 0)
                {
                    total += reader.ReadBlob().Length;
                    if (total > PartFormat.MaxSegmentBytes)
                    {
                        throw new InvalidDataException("template column decodes to more than the segment limit");
                    }
                }
            }
            rawOffsets[r + 1] = (int)total;
        }
        var rawBytes = new byte[total];
        var raws = new SpanReader(payload[rawStart..reader.Position]);
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent && rowTemplates[r] == 0)
            {
                raws.ReadBlob().CopyTo(rawBytes.AsSpan(rawOffsets[r]));
            }
        }
        return new TemplateView(kinds, rowTemplates, templates, rawOffsets, rawBytes);
    }
}
