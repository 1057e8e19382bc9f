using System.Buffers;
using System.Text;
using Vigie.Core;

namespace Vigie.Query.Matching;

/// <summary>A term searched over all the values of a column at once.</summary>
public sealed partial class TermMatcher
{
    /// <summary>
    /// For an ASCII term over a column whose values are all ASCII: clears the <paramref name="mask"/>
    /// entry of each row whose value (row r: <c>bytes[offsets[r]..offsets[r + 1]]</c>, empty where
    /// absent) does not match, the answer <see cref="MatchesUtf8"/> gives row by row. The values are
    /// lower-cased in one pass and searched as one span, so a row without the term costs no call of
    /// its own: the search runs over the rows that lack the term at the speed of a vectorised
    /// <c>IndexOf</c>. False, with the mask untouched, when this does not apply (a term that is not
    /// ASCII or is a number, a value that is not ASCII); the caller then tests row by row.
    /// </summary>
    internal bool TryMatchAsciiColumn(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> offsets, Span<bool> mask)
    {
        var term = _asciiLowerTerm;
        if (term is null || _number is not null || term.Length == 0)
        {
            return false;
        }
        var rows = mask.Length;
        var start = offsets[0];
        var end = offsets[rows];
        var lower = ArrayPool<byte>.Shared.Rent(Math.Max(1, end - start));
        try
        {
            if (Ascii.ToLower(bytes[start..end], lower, out var written) != OperationStatus.Done || written != end - start)
            {
                return false;
            }
            var text = lower.AsSpan(0, written);
            var matched = ArrayPool<bool>.Shared.Rent(rows);
            Array.Clear(matched, 0, rows);
            try
            {
                Search(text, offsets, start, mask, matched.AsSpan(0, rows));
                for (var r = 0; r < rows; r++)
                {
                    mask[r] &= matched[r];
                }
            }
            finally
            {
                ArrayPool<bool>.Shared.Return(matched);
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(lower);
        }
    }

    /// <summary>Sets <paramref name="matched"/> for each selected row whose lower-cased value holds the term as <see cref="MatchesUtf8"/> would find it.</summary>
    private void Search(ReadOnlySpan<byte> text, ReadOnlySpan<int> offsets, int start, ReadOnlySpan<bool> selected, Span<bool> matched)
    {
        var term = _asciiLowerTerm!;
        var row = 0;
        var from = 0;
        while (from <= text.Length - term.Length)
        {
            var found = text[from..].IndexOf(term);
            if (found < 0)
            {
                return;
            }
            var at = from + found;
            while (offsets[row + 1] - start <= at)
            {
                row++;
            }
            var rowStart = offsets[row] - start;
            var rowEnd = offsets[row + 1] - start;
            if (at + term.Length > rowEnd || !selected[row])
            {
                // the term runs past this row's end (so does any later start in it), or the row is not asked about
                from = rowEnd;
                continue;
            }
            if ((!_checkStart || at == rowStart || !Tokenizer.IsAsciiWordByte(text[at - 1]))
                && (!_checkEnd || at + term.Length == rowEnd || !Tokenizer.IsAsciiWordByte(text[at + term.Length])))
            {
                matched[row] = true;
                from = rowEnd;
            }
            else
            {
                from = at + 1;
            }
        }
    }
}
