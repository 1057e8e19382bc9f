using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Finds, for a text column of one block, a few templates that rebuild its rows from the other
/// columns of the same rows: each template is a sequence of literal bytes and references to another
/// column (see <see cref="TemplateEncoding"/>). A log line that repeats the fields a parser took out
/// of it (`{client_ip} "{method} {path} HTTP/1.1" {status}`) then stores only its fixed text, once per
/// block, and one template number per row.
/// </summary>
/// <remarks>
/// Cheap on the flush's serial path: a row is first tried against the templates already found (a
/// comparison piece by piece, no search), the most recently fitting first; only a row that fits none
/// derives a new template, by locating the other columns' values in its text (longest first, never
/// overlapping, values of at least two bytes). The search stops deriving once
/// <see cref="MaxTemplates"/> exist, and gives the column up early when the first rows mostly fit
/// nothing. One instance per encoder, reused block after block: steady state allocates nothing.
/// </remarks>
internal sealed class TemplateFinder : IDisposable
{
    /// <summary>Templates per block; a template number is one byte, 0 meaning a row stored as it is.</summary>
    public const int MaxTemplates = 32;

    /// <summary>Pieces per template: a line with more fields than this is stored as it is.</summary>
    public const int MaxPieces = 64;

    /// <summary>Rows that fit no template and yield none, after which a block's other misses are stored as they are without a search.</summary>
    private const int MaxFailedDerivations = 16;

    /// <summary>Rows looked at before judging whether the column fits templates at all.</summary>
    private const int TrialRows = 64;

    /// <summary>The shortest value searched for in a row's text: shorter ones match by chance.</summary>
    private const int MinReferenceBytes = 2;

    private Piece[] _pieces = new Piece[256];
    private int _pieceCount;
    private readonly int[] _templateStart = new int[MaxTemplates + 1];
    private int _templateCount;
    private byte[] _literals = new byte[1024];
    private int _literalLength;
    private byte[] _ids = new byte[1024];
    private int[] _candidates = new int[16];
    private Span2[] _spans = new Span2[16];
    private int _present;
    private int _failedDerivations;
    private ValueKind[][] _columnKinds = new ValueKind[16][];
    private int[][] _columnOffsets = new int[16][];
    private byte[][] _columnBytes = new byte[16][];
    private int _exceptions;
    private long _exceptionBytes;

    /// <summary>Per present row: 0 for a row stored as it is, else 1 + its template.</summary>
    public ReadOnlySpan<byte> Ids => _ids.AsSpan(0, _present);

    public int TemplateCount => _templateCount;

    /// <summary>
    /// Tries to describe <paramref name="column"/> (column <paramref name="self"/> of <paramref name="columns"/>)
    /// by templates; false when too few rows fit one, or when the payload would not be smaller than the
    /// Raw one of <paramref name="rawPayloadBytes"/> bytes. Referenced columns are never <paramref name="self"/>.
    /// </summary>
    public bool TryFind(Column column, IReadOnlyList<Column> columns, int self, long rawPayloadBytes)
    {
        try
        {
            return Find(column, columns, self, rawPayloadBytes);
        }
        finally
        {
            // Do not keep the block's arrays (often lent, soon reused) alive until the next block.
            Array.Clear(_columnKinds);
            Array.Clear(_columnOffsets);
            Array.Clear(_columnBytes);
        }
    }

    private bool Find(Column column, IReadOnlyList<Column> columns, int self, long rawPayloadBytes)
    {
        _pieceCount = 0;
        _templateCount = 0;
        _templateStart[0] = 0;
        _literalLength = 0;
        _present = 0;
        _exceptions = 0;
        _exceptionBytes = 0;
        var kinds = column.RowKinds;
        if (_ids.Length < kinds.Length)
        {
            _ids = GC.AllocateUninitializedArray<byte>(Math.Max(kinds.Length, _ids.Length * 2));
        }
        if (_candidates.Length < columns.Count)
        {
            _candidates = new int[columns.Count * 2];
            _spans = new Span2[columns.Count * 2];
            _columnKinds = new ValueKind[columns.Count * 2][];
            _columnOffsets = new int[columns.Count * 2][];
            _columnBytes = new byte[columns.Count * 2][];
        }
        _failedDerivations = 0;
        for (var c = 0; c < columns.Count; c++)
        {
            // Once per block: the columns' arrays, rather than a property call per piece.
            (_columnKinds[c], _columnOffsets[c], _columnBytes[c]) = (columns[c].Kinds, columns[c].Offsets, columns[c].Bytes);
        }
        var offsets = column.Offsets;
        var bytes = column.Bytes;
        var last = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] == ValueKind.Absent)
            {
                continue;
            }
            var text = bytes.AsSpan(offsets[r], offsets[r + 1] - offsets[r]);
            var id = 0;
            if (_templateCount > 0)
            {
                // Lines of one block mostly follow the template the previous one did.
                if (Fits(last, text, r))
                {
                    id = last + 1;
                }
                else
                {
                    for (var t = 0; t < _templateCount; t++)
                    {
                        if (t != last && Fits(t, text, r))
                        {
                            id = t + 1;
                            break;
                        }
                    }
                }
            }
            if (id == 0 && _templateCount < MaxTemplates && _failedDerivations < MaxFailedDerivations)
            {
                if (Derive(text, columns.Count, self, r) && Fits(_templateCount - 1, text, r))
                {
                    id = _templateCount;
                }
                else
                {
                    _failedDerivations++;
                }
            }
            if (id == 0)
            {
                _exceptions++;
                _exceptionBytes += text.Length + VarintLength((ulong)text.Length);
            }
            else
            {
                last = id - 1;
            }
            _ids[_present++] = (byte)id;
            if (_present == TrialRows && _exceptions * 2 > _present)
            {
                return false;
            }
        }
        // At least a quarter of the rows should fit a template for the few that do to be worth the per-row byte.
        if (_present == 0 || _exceptions * 4 > _present * 3)
        {
            return false;
        }
        return PayloadBytes() < rawPayloadBytes;
    }

    /// <summary>Writes the templates, the rows' numbers and the rows stored as they are (the layout in <see cref="TemplateEncoding"/>).</summary>
    public void Write(Column column, ByteBuffer payload)
    {
        payload.WriteVarint((ulong)_templateCount);
        for (var t = 0; t < _templateCount; t++)
        {
            payload.WriteVarint((ulong)(_templateStart[t + 1] - _templateStart[t]));
            for (var p = _templateStart[t]; p < _templateStart[t + 1]; p++)
            {
                var piece = _pieces[p];
                if (piece.Column >= 0)
                {
                    payload.WriteVarint(((ulong)piece.Column << 1) | 1);
                }
                else
                {
                    payload.WriteVarint((ulong)piece.Length << 1);
                    payload.Write(_literals.AsSpan(piece.Start, piece.Length));
                }
            }
        }
        payload.Write(Ids);
        var kinds = column.RowKinds;
        var present = 0;
        for (var r = 0; r < kinds.Length; r++)
        {
            if (kinds[r] != ValueKind.Absent && _ids[present++] == 0)
            {
                payload.WriteBlob(column.GetValue(r));
            }
        }
    }

    private long PayloadBytes()
    {
        long size = VarintLength((ulong)_templateCount) + _present + _exceptionBytes;
        for (var p = 0; p < _pieceCount; p++)
        {
            size += 2 + (_pieces[p].Column >= 0 ? 0 : _pieces[p].Length);
        }
        return size + _templateCount;
    }

    /// <summary>Whether template <paramref name="t"/> rebuilds <paramref name="text"/> from row <paramref name="row"/>'s columns exactly.</summary>
    private bool Fits(int t, ReadOnlySpan<byte> text, int row)
    {
        var at = 0;
        for (var p = _templateStart[t]; p < _templateStart[t + 1]; p++)
        {
            var piece = _pieces[p];
            ReadOnlySpan<byte> part;
            if (piece.Column >= 0)
            {
                var c = piece.Column;
                if (_columnKinds[c][row] == ValueKind.Absent)
                {
                    return false;
                }
                var offsets = _columnOffsets[c];
                part = _columnBytes[c].AsSpan(offsets[row], offsets[row + 1] - offsets[row]);
            }
            else
            {
                part = _literals.AsSpan(piece.Start, piece.Length);
            }
            if (!text[at..].StartsWith(part))
            {
                return false;
            }
            at += part.Length;
        }
        return at == text.Length;
    }

    /// <summary>Derives a template from one row: its other columns' values located in its text, longest first, without overlap.</summary>
    private bool Derive(ReadOnlySpan<byte> text, int columnCount, int self, int row)
    {
        var count = 0;
        for (var c = 0; c < columnCount; c++)
        {
            if (c == self || _columnKinds[c][row] == ValueKind.Absent)
            {
                continue;
            }
            var length = Length(c, row);
            if (length < MinReferenceBytes || length > text.Length)
            {
                continue;
            }
            // insertion by decreasing length; ties keep column order
            var i = count++;
            while (i > 0 && Length(_candidates[i - 1], row) < length)
            {
                _candidates[i] = _candidates[i - 1];
                i--;
            }
            _candidates[i] = c;
        }
        var spans = 0;
        // each reference may need a literal before it, and the text one after the last
        for (var i = 0; i < count && spans < (MaxPieces - 1) / 2; i++)
        {
            var c = _candidates[i];
            var value = _columnBytes[c].AsSpan(_columnOffsets[c][row], Length(c, row));
            var from = 0;
            while (from <= text.Length - value.Length)
            {
                var found = text[from..].IndexOf(value);
                if (found < 0)
                {
                    break;
                }
                var start = from + found;
                var end = start + value.Length;
                if (!Overlaps(spans, start, end))
                {
                    _spans[spans++] = new Span2(start, end, c);
                    break;
                }
                from = start + 1;
            }
        }
        var referenced = 0;
        for (var i = 0; i < spans; i++)
        {
            referenced += _spans[i].End - _spans[i].Start;
        }
        // A template whose text is mostly literal fits its own row only (a constant such as the service's
        // name found in a free-text line): storing the row as it is costs no template.
        if (spans == 0 || referenced * 3 < text.Length)
        {
            return false;
        }
        _spans.AsSpan(0, spans).Sort(static (a, b) => a.Start.CompareTo(b.Start));
        EnsurePieces(_pieceCount + (2 * spans) + 1);
        var at = 0;
        for (var i = 0; i < spans; i++)
        {
            var span = _spans[i];
            if (span.Start > at)
            {
                AddLiteral(text[at..span.Start]);
            }
            _pieces[_pieceCount++] = new Piece(span.Column, 0, 0);
            at = span.End;
        }
        if (at < text.Length)
        {
            AddLiteral(text[at..]);
        }
        _templateCount++;
        _templateStart[_templateCount] = _pieceCount;
        return true;

        int Length(int column, int row) => _columnOffsets[column][row + 1] - _columnOffsets[column][row];
    }

    private bool Overlaps(int spans, int start, int end)
    {
        for (var i = 0; i < spans; i++)
        {
            if (start < _spans[i].End && _spans[i].Start < end)
            {
                return true;
            }
        }
        return false;
    }

    private void AddLiteral(ReadOnlySpan<byte> literal)
    {
        if (_literals.Length < _literalLength + literal.Length)
        {
            Array.Resize(ref _literals, Math.Max(_literalLength + literal.Length, _literals.Length * 2));
        }
        literal.CopyTo(_literals.AsSpan(_literalLength));
        _pieces[_pieceCount++] = new Piece(-1, _literalLength, literal.Length);
        _literalLength += literal.Length;
    }

    private void EnsurePieces(int count)
    {
        if (_pieces.Length < count)
        {
            Array.Resize(ref _pieces, Math.Max(count, _pieces.Length * 2));
        }
    }

    private static int VarintLength(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    /// <summary>A literal (<see cref="Column"/> −1, its bytes at <see cref="Start"/> in the literal buffer) or a reference to a column.</summary>
    public void Dispose()
    {
        _pieces = [];
        _literals = [];
        _ids = [];
    }

    private readonly record struct Piece(int Column, int Start, int Length);

    private readonly record struct Span2(int Start, int End, int Column);
}
