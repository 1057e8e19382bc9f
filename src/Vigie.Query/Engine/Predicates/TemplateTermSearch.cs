using System.Text;
using Vigie.Core;
using Vigie.Query.Matching;
using Vigie.Query.Syntax;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Query.Engine.Predicates;

/// <summary>
/// A word or phrase search on a column stored as templates (<see cref="TemplateView"/>), judged per
/// template before any row: a template whose literal text holds the word whole matches every row, one
/// whose literals and referenced columns cannot produce a word of the term matches none, and only the
/// others need their rows rebuilt (the referenced columns decoded) and tested. Rows stored as they are
/// are tested as they are. Only ASCII terms that are not numbers (a number also matches other
/// spellings of itself) are judged so; null otherwise.
/// </summary>
internal sealed class TemplateTermSearch
{
    private enum Verdict : byte
    {
        None,
        All,
        Check,

        /// <summary>A row holds the word if a value of one of the template's <see cref="Isolated"/> references does.</summary>
        Values,
    }

    /// <summary>The term's words, ASCII lower case.</summary>
    private readonly byte[][] _words;

    /// <summary>For each word, a matcher of it alone, for the referenced columns' constant and dictionary values.</summary>
    private readonly TermMatcher[] _wordMatchers;

    private readonly ulong[] _hashes;

    /// <summary>The term is one word and nothing else: a literal holding it whole decides.</summary>
    private readonly bool _singleWord;

    /// <summary>A prefix ending inside its last word: that word need only start a word of the row.</summary>
    private readonly bool _openLast;

    private readonly TermMatcher? _lastAsPrefix;

    private TemplateTermSearch(string term, bool isPrefix)
    {
        var tokens = Tokenizer.Tokens(term);
        _words = [.. tokens.Select(t => Encoding.ASCII.GetBytes(t.ToLowerInvariant()))];
        _wordMatchers = [.. tokens.Select(TermMatcher.Word)];
        _hashes = [.. tokens.Select(t => Tokenizer.Hash(t.AsSpan()))];
        _singleWord = tokens.Count == 1 && tokens[0].Length == term.Length;
        _openLast = isPrefix && Tokenizer.IsWordChar(term[^1]);
        _lastAsPrefix = _openLast ? TermMatcher.Prefix(tokens[^1]) : null;
    }

    public static TemplateTermSearch? For(FieldFilter filter)
    {
        var term = filter switch
        {
            WordFilter w when !NumberText.TryParse(w.Value, out _) => w.Value,
            PhraseFilter p => p.Phrase,
            PrefixFilter p => p.Prefix,
            _ => null,
        };
        return term is null || !Ascii.IsValid(term) || Tokenizer.Tokens(term).Count == 0 ? null : new TemplateTermSearch(term, filter is PrefixFilter);
    }

    /// <summary>
    /// Clears the rows of <paramref name="rows"/> that do not match <paramref name="matcher"/> (the
    /// term's own); a row is rebuilt only when its template leaves it open.
    /// </summary>
    public void Refine(BlockContext block, TemplateRows rows, ValueMatcher matcher, bool[] mask)
    {
        var view = rows.View;
        var verdicts = new Verdict[view.Templates.Count];
        var mayHold = new sbyte[block.Info.Columns.Count * (_words.Length + 1)];
        var isolated = _singleWord ? new List<int>[verdicts.Length] : null;
        for (var t = 0; t < verdicts.Length; t++)
        {
            verdicts[t] = Judge(block, view.Templates[t], mayHold, isolated is null ? null : isolated[t] = []);
        }
        var open = false;
        var values = false;
        var kinds = view.Kinds;
        var ids = view.RowTemplates;
        for (var r = 0; r < mask.Length; r++)
        {
            if (!mask[r])
            {
                continue;
            }
            if (kinds[r] == ValueKind.Absent)
            {
                mask[r] = false;
            }
            else if (ids[r] == 0)
            {
                mask[r] = matcher.MatchesUtf8(view.Raw(r));
            }
            else
            {
                var verdict = verdicts[ids[r] - 1];
                mask[r] = verdict != Verdict.None;
                open |= verdict == Verdict.Check;
                values |= verdict == Verdict.Values;
            }
        }
        if (values)
        {
            RefineByValues(block, verdicts, isolated!, ids, matcher, mask);
        }
        if (!open)
        {
            return;
        }
        for (var r = 0; r < mask.Length; r++)
        {
            if (mask[r] && ids[r] != 0 && verdicts[ids[r] - 1] == Verdict.Check)
            {
                mask[r] = matcher.MatchesUtf8(rows.Text(r));
            }
        }
    }

    /// <summary>
    /// The rows of templates whose only open places are references between non-word bytes: a word of
    /// such a value is a word of the row and the reverse, so the value is tested alone, nothing rebuilt
    /// and no other referenced column read.
    /// </summary>
    private static void RefineByValues(BlockContext block, Verdict[] verdicts, List<int>[] isolated, byte[] ids, ValueMatcher matcher, bool[] mask)
    {
        var columns = new Column?[block.Info.Columns.Count];
        for (var r = 0; r < mask.Length; r++)
        {
            if (!mask[r] || ids[r] == 0 || verdicts[ids[r] - 1] != Verdict.Values)
            {
                continue;
            }
            var holds = false;
            foreach (var c in isolated[ids[r] - 1])
            {
                var column = columns[c] ??= ReadReferenced(block, c);
                if (matcher.MatchesUtf8(column.GetValue(r)))
                {
                    holds = true;
                    break;
                }
            }
            mask[r] = holds;
        }
    }

    private static Column ReadReferenced(BlockContext block, int index)
    {
        var name = block.Info.Columns[index].Name;
        var column = block.Data?.GetColumn(name) ?? block.ReadColumn(name)
            ?? throw new PartCorruptException(block.Reader.Path, block.Info.Columns[index].Data.Offset, $"block {block.BlockIndex}: a template refers to column {name}, which cannot be read");
        return column.RowCount == block.Info.RowCount ? column
            : throw new PartCorruptException(block.Reader.Path, block.Info.Columns[index].Data.Offset, $"block {block.BlockIndex}: referenced column {name} has {column.RowCount} rows, not {block.Info.RowCount}");
    }

    /// <summary>
    /// Whether reference <paramref name="i"/> of a template lies between non-word bytes (or the text's
    /// edges): the words of its value are then words of the row.
    /// </summary>
    private static bool IsIsolated(TemplatePiece[] pieces, int i)
        => (i == 0 || pieces[i - 1].Literal is { } before && !IsWordByte(before[^1]))
            && (i == pieces.Length - 1 || pieces[i + 1].Literal is { } after && !IsWordByte(after[0]));

    /// <summary>
    /// A template's verdict: none when some word cannot be in its rows; all when the term is a word its
    /// literals hold whole; for a term of one word, whose only open places are references between
    /// non-word bytes, those references (<paramref name="isolated"/>) to test.
    /// </summary>
    private Verdict Judge(BlockContext block, TemplatePiece[] pieces, sbyte[] mayHold, List<int>? isolated)
    {
        var open = false;
        for (var w = 0; w < _words.Length; w++)
        {
            var verdict = _openLast && w == _words.Length - 1 ? JudgeWordStart(block, pieces, mayHold, isolated) : JudgeWord(block, pieces, w, mayHold, isolated);
            if (verdict == Verdict.Values)
            {
                return Verdict.Values;
            }
            if (verdict == Verdict.None)
            {
                return Verdict.None;
            }
            if (verdict == Verdict.All && _singleWord)
            {
                return Verdict.All;
            }
            open = true;
        }
        return open ? Verdict.Check : Verdict.None;
    }

    /// <summary>
    /// Whether word <paramref name="w"/> is in every row of the template (All), maybe in some (Check),
    /// or in none. A word of a row's text lies inside a literal, inside a referenced value, or across
    /// a piece boundary; adjacent literals are joined, so a boundary has a reference on one side.
    /// </summary>
    private Verdict JudgeWord(BlockContext block, TemplatePiece[] pieces, int w, sbyte[] mayHold, List<int>? isolated)
    {
        var word = _words[w];
        var check = false;
        for (var i = 0; i < pieces.Length; i++)
        {
            var piece = pieces[i];
            if (piece.Literal is not { } literal)
            {
                // two values side by side may form a word together
                check |= i > 0 && pieces[i - 1].Literal is null;
                if (MayHold(block, piece.Column, w, mayHold))
                {
                    Open(pieces, i, isolated, ref check);
                }
                continue;
            }
            // a byte outside ASCII may be part of a letter that lower-cases to an ASCII one
            check |= !Ascii.IsValid(literal);
            for (var a = 0; NextWordRun(literal, ref a, out var b); a = b)
            {
                var run = literal.AsSpan(a, b - a);
                var touchesLeft = a == 0 && i > 0;
                var touchesRight = b == literal.Length && i < pieces.Length - 1;
                if (!touchesLeft && !touchesRight && Ascii.EqualsIgnoreCase(run, word))
                {
                    return Verdict.All;
                }
                // a word across the boundary with the value before ends with this run (or holds the whole literal)
                if (touchesLeft && (touchesRight ? ContainsIgnoreCase(word, run) : EndsWithIgnoreCase(word, run)))
                {
                    check = true;
                }
                // and one across the boundary with the value after starts with it
                if (touchesRight && !touchesLeft && StartsWithIgnoreCase(word, run))
                {
                    check = true;
                }
            }
        }
        return check ? Verdict.Check : isolated is { Count: > 0 } ? Verdict.Values : Verdict.None;
    }

    /// <summary>
    /// Whether a word of every row of the template starts with the prefix's last word (All), maybe some
    /// row's (Check), or none. A word of a row starts inside a literal (after a non-word byte, or at the
    /// literal's start when a value or nothing lies before it) or inside a value; it may run on into
    /// the pieces after its start.
    /// </summary>
    private Verdict JudgeWordStart(BlockContext block, TemplatePiece[] pieces, sbyte[] mayHold, List<int>? isolated)
    {
        var word = _words[^1];
        var check = false;
        for (var i = 0; i < pieces.Length; i++)
        {
            var piece = pieces[i];
            if (piece.Literal is not { } literal)
            {
                if (MayStart(block, piece.Column, mayHold))
                {
                    Open(pieces, i, isolated, ref check);
                }
                continue;
            }
            check |= !Ascii.IsValid(literal);
            for (var a = 0; NextWordRun(literal, ref a, out var b); a = b)
            {
                var run = literal.AsSpan(a, b - a);
                // after a value the run starts a word only if the value ends with a non-word byte
                var touchesLeft = a == 0 && i > 0;
                var touchesRight = b == literal.Length && i < pieces.Length - 1;
                if (StartsWithIgnoreCase(run, word))
                {
                    if (!touchesLeft)
                    {
                        return Verdict.All;
                    }
                    check = true;
                }
                // a word starting here that runs on into the value after
                check |= touchesRight && StartsWithIgnoreCase(word, run);
            }
        }
        return check ? Verdict.Check : isolated is { Count: > 0 } ? Verdict.Values : Verdict.None;
    }

    /// <summary>
    /// Moves <paramref name="start"/> to the next run of word bytes of <paramref name="literal"/> at or after
    /// it, and <paramref name="end"/> past that run; false when none is left.
    /// </summary>
    private static bool NextWordRun(byte[] literal, ref int start, out int end)
    {
        while (start < literal.Length && !IsWordByte(literal[start]))
        {
            start++;
        }
        end = start;
        while (end < literal.Length && IsWordByte(literal[end]))
        {
            end++;
        }
        return end > start;
    }

    /// <summary>
    /// Whether a word starting inside a value of column <paramref name="column"/> may start with the
    /// prefix's last word: a word of the value starting with it, or the value's last word, running on
    /// into what follows, a start of it.
    /// </summary>
    private bool MayStart(BlockContext block, int column, sbyte[] cache)
    {
        var slot = (block.Info.Columns.Count * _words.Length) + column;
        if (cache[slot] == 0)
        {
            cache[slot] = (sbyte)(ColumnMayStart(block.Info.Columns[column]) ? 1 : -1);
        }
        return cache[slot] > 0;
    }

    private bool ColumnMayStart(ColumnInfo column)
    {
        if (column.ConstValue is { } constant)
        {
            return ValueMayStart(constant.Text);
        }
        if (column.Encoding == ColumnEncoding.Dict && column.DictionaryValues.Count > 0)
        {
            foreach (var v in column.DictionaryValues)
            {
                if (ValueMayStart(v.Text))
                {
                    return true;
                }
            }
            return false;
        }
        if (column.Encoding is ColumnEncoding.Int64 or ColumnEncoding.PackedInt64 or ColumnEncoding.Decimal or ColumnEncoding.Ipv4)
        {
            // their texts are digits, '-' and '.' only: their words start with a digit
            return _words[^1][0] is >= (byte)'0' and <= (byte)'9';
        }
        return true;
    }

    private bool ValueMayStart(string value)
    {
        if (!Ascii.IsValid(value) || _lastAsPrefix!.Matches(value))
        {
            return true;
        }
        var start = value.Length;
        while (start > 0 && Tokenizer.IsAsciiWordByte((byte)value[start - 1]))
        {
            start--;
        }
        var last = value.AsSpan(start);
        return last.Length > 0 && last.Length < _words[^1].Length && Ascii.EqualsIgnoreCase(_words[^1].AsSpan(0, last.Length), last);
    }

    /// <summary>Reference <paramref name="i"/> may hold the word: its value is to be tested alone if it is isolated, else the row.</summary>
    private static void Open(TemplatePiece[] pieces, int i, List<int>? isolated, ref bool check)
    {
        if (isolated is not null && IsIsolated(pieces, i))
        {
            isolated.Add(pieces[i].Column);
        }
        else
        {
            check = true;
        }
    }

    /// <summary>Whether column <paramref name="column"/> of the block may hold word <paramref name="w"/> whole in some value.</summary>
    private bool MayHold(BlockContext block, int column, int w, sbyte[] cache)
    {
        var slot = (column * _words.Length) + w;
        if (cache[slot] == 0)
        {
            cache[slot] = (sbyte)(ColumnMayHold(block, block.Info.Columns[column], w) ? 1 : -1);
        }
        return cache[slot] > 0;
    }

    private bool ColumnMayHold(BlockContext block, ColumnInfo column, int w)
    {
        if (column.ConstValue is { } constant)
        {
            return _wordMatchers[w].Matches(constant.Text);
        }
        if (column.Encoding == ColumnEncoding.Dict && column.DictionaryValues.Count > 0)
        {
            foreach (var v in column.DictionaryValues)
            {
                if (_wordMatchers[w].Matches(v.Text))
                {
                    return true;
                }
            }
            return false;
        }
        if (column.Encoding is ColumnEncoding.Int64 or ColumnEncoding.PackedInt64 or ColumnEncoding.Decimal or ColumnEncoding.Ipv4)
        {
            // their texts are digits, '-' and '.' only: words of digits
            foreach (var b in _words[w])
            {
                if (b is < (byte)'0' or > (byte)'9')
                {
                    return false;
                }
            }
            return true;
        }
        return !column.HasBloom || block.Reader.MayContainAllTokens(block.BlockIndex, column.Name, _hashes.AsSpan(w, 1));
    }

    /// <summary>A byte that is, or may be part of, a word character (bytes outside ASCII may be letters).</summary>
    private static bool IsWordByte(byte b) => b >= 0x80 || Tokenizer.IsAsciiWordByte(b);

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> word, ReadOnlySpan<byte> part)
        => part.Length <= word.Length && Ascii.EqualsIgnoreCase(word[..part.Length], part);

    private static bool EndsWithIgnoreCase(ReadOnlySpan<byte> word, ReadOnlySpan<byte> part)
        => part.Length <= word.Length && Ascii.EqualsIgnoreCase(word[^part.Length..], part);

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> word, ReadOnlySpan<byte> part)
    {
        for (var i = 0; i + part.Length <= word.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(word.Slice(i, part.Length), part))
            {
                return true;
            }
        }
        return false;
    }
}
