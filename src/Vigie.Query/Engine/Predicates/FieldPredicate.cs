using Vigie.Core;
using Vigie.Query.Matching;
using Vigie.Query.Syntax;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Query.Engine.Predicates;

/// <summary>
/// A filter on one stored column. Block metadata decides first: a block without the column cannot
/// match; a constant or dictionary column is tested on its few values; the bloom filter rules out
/// blocks lacking a word of the term; numeric min/max rule out ranges. Rows are then tested with
/// the same <see cref="ValueMatcher"/> the reference evaluator uses, so both agree by construction.
/// </summary>
public sealed class FieldPredicate : BlockPredicate
{
    private readonly string _field;
    private readonly ValueMatcher _matcher;
    private readonly ulong[] _requiredTokens;
    private readonly double? _number;
    private readonly RangeFilter? _range;
    private readonly bool _isExists;
    private readonly TemplateTermSearch? _templateSearch;

    public FieldPredicate(FieldFilter filter)
    {
        _field = filter.Field;
        _matcher = ValueMatchers.For(filter);
        _isExists = filter is ExistsFilter;
        _range = filter as RangeFilter;
        string? term = filter switch
        {
            WordFilter w => w.Value,
            PhraseFilter p => p.Phrase,
            PrefixFilter p => p.Prefix,
            _ => null,
        };
        if (filter is WordFilter word && NumberText.TryParse(word.Value, out var n))
        {
            // A number also matches other spellings of itself (500.0), whose words differ: no bloom test.
            _number = n;
            term = null;
        }
        _requiredTokens = term is null ? [] : RequiredTokens(term, isPrefix: filter is PrefixFilter);
        _templateSearch = TemplateTermSearch.For(filter);
    }

    /// <summary>Words every matching value must contain whole: all the term's words, but a prefix's last one.</summary>
    private static ulong[] RequiredTokens(string term, bool isPrefix)
    {
        var tokens = Tokenizer.Tokens(term);
        if (isPrefix && tokens.Count > 0 && term.Length > 0 && Tokenizer.IsWordChar(term[^1]))
        {
            tokens.RemoveAt(tokens.Count - 1);
        }
        return [.. tokens.Select(t => Tokenizer.Hash(t.AsSpan())).Distinct()];
    }

    public override Prune Prune(BlockContext block) => Judge(block, readBloom: true);

    public override Prune PruneFromIndex(BlockContext block) => Judge(block, readBloom: false);

    private Prune Judge(BlockContext block, bool readBloom)
    {
        var column = block.Info.FindColumn(_field);
        if (column is null || column.PresentRows == 0)
        {
            return Predicates.Prune.None;
        }
        var allPresent = column.PresentRows == block.Info.RowCount;
        if (_isExists)
        {
            return allPresent ? Predicates.Prune.All : Predicates.Prune.Some;
        }
        if (column.ConstValue is { } constant)
        {
            return !_matcher.Matches(constant.Text) ? Predicates.Prune.None : allPresent ? Predicates.Prune.All : Predicates.Prune.Some;
        }
        if (column.Encoding == ColumnEncoding.Dict && column.DictionaryValues.Count > 0)
        {
            var matched = 0;
            foreach (var v in column.DictionaryValues)
            {
                if (_matcher.Matches(v.Text))
                {
                    matched++;
                }
            }
            return matched == 0 ? Predicates.Prune.None
                : matched == column.DictionaryValues.Count && allPresent ? Predicates.Prune.All
                : Predicates.Prune.Some;
        }
        if (column.MinNumber is { } min && column.MaxNumber is { } max)
        {
            if (_number is { } n && (n < min || n > max))
            {
                return Predicates.Prune.None;
            }
            if (_range is not null && !RangeMayOverlap(_range, min, max))
            {
                return Predicates.Prune.None;
            }
        }
        if (readBloom && _requiredTokens.Length > 0 && column.HasBloom && !block.Reader.MayContainAllTokens(block.BlockIndex, _field, _requiredTokens))
        {
            return Predicates.Prune.None;
        }
        return Predicates.Prune.Some;
    }

    private static bool RangeMayOverlap(RangeFilter range, double min, double max)
    {
        if (range.Lower is { Number: { } lo } && (max < lo || (max == lo && !range.Lower.Inclusive)))
        {
            return false;
        }
        if (range.Upper is { Number: { } hi } && (min > hi || (min == hi && !range.Upper.Inclusive)))
        {
            return false;
        }
        return true;
    }

    public override void Refine(BlockContext block, bool[] mask)
    {
        var column = block.Data!.GetColumn(_field);
        if (column is null && block.Info.FindColumn(_field) is not null)
        {
            // a scan leaves a template column undecoded when nothing but the filter reads it
            if (block.TemplateRows(_field) is { } rows)
            {
                RefineByTemplates(block, rows, mask);
                return;
            }
            column = block.ReadColumn(_field);
        }
        if (column is null)
        {
            Array.Clear(mask);
            return;
        }
        if (_isExists)
        {
            ClearAbsent(column, mask);
        }
        else if (column.ConstantValue is { } constant)
        {
            RefineByEntries(column, [constant], mask);
        }
        else if (column.DictionaryValues is { } entries)
        {
            RefineByEntries(column, entries, mask);
        }
        else if (column.Numbers is { } numbers && _matcher.JudgesNumbers)
        {
            RefineByNumbers(column, numbers, mask);
        }
        else
        {
            RefineByText(column, mask);
        }
    }

    /// <summary>
    /// A column stored as templates, left undecoded: a word, phrase or prefix is judged per template
    /// first; whatever still needs a text has its row rebuilt alone.
    /// </summary>
    private void RefineByTemplates(BlockContext block, TemplateRows rows, bool[] mask)
    {
        if (!_isExists && _templateSearch is not null)
        {
            _templateSearch.Refine(block, rows, _matcher, mask);
            return;
        }
        var kinds = rows.Kinds;
        for (var r = 0; r < mask.Length; r++)
        {
            if (mask[r])
            {
                mask[r] = kinds[r] != ValueKind.Absent && (_isExists || _matcher.MatchesUtf8(rows.Text(r)));
            }
        }
    }

    private static void ClearAbsent(Column column, bool[] mask)
    {
        var kinds = column.Kinds;
        for (var r = 0; r < mask.Length; r++)
        {
            mask[r] &= kinds[r] != ValueKind.Absent;
        }
    }

    /// <summary>A dictionary or constant column: each distinct value is tested once, rows look their entry up.</summary>
    private void RefineByEntries(Column column, IReadOnlyList<FieldValue> entries, bool[] mask)
    {
        var matches = new bool[entries.Count];
        for (var e = 0; e < matches.Length; e++)
        {
            matches[e] = _matcher.Matches(entries[e].Text);
        }
        var kinds = column.Kinds;
        var codes = column.DictionaryCodes;
        for (var r = 0; r < mask.Length; r++)
        {
            mask[r] &= kinds[r] != ValueKind.Absent && matches[codes is null ? 0 : codes[r]];
        }
    }

    /// <summary>A column stored as numbers, under a matcher that compares numbers: no text at all.</summary>
    private void RefineByNumbers(Column column, double[] numbers, bool[] mask)
    {
        var kinds = column.Kinds;
        for (var r = 0; r < mask.Length; r++)
        {
            // a stored NaN or infinity is not a number to the matcher, which then rejects it
            mask[r] &= kinds[r] != ValueKind.Absent && double.IsFinite(numbers[r]) && _matcher.MatchesNumber(numbers[r]);
        }
    }

    private void RefineByText(Column column, bool[] mask)
    {
        if (!_isExists && _matcher is TermMatcher term && term.TryMatchAsciiColumn(column.Bytes, column.Offsets, mask))
        {
            return;
        }
        for (var r = 0; r < mask.Length; r++)
        {
            if (!mask[r])
            {
                continue;
            }
            if (!column.Has(r))
            {
                mask[r] = false;
                continue;
            }
            if (!_isExists)
            {
                mask[r] = _matcher.MatchesUtf8(column.GetValue(r));
            }
        }
    }

    public override void CollectColumns(ISet<string> into) => into.Add(_field);

    /// <summary>
    /// A word, phrase or prefix judges a template column from its templates: a scan need not decode it.
    /// Other filters test every row: a scan that reads most of the column's rows decodes it at once
    /// (an event scan, which stops early, leaves it to <see cref="Refine"/> still).
    /// </summary>
    public override void CollectDecodedColumns(ISet<string> into)
    {
        if (_templateSearch is null)
        {
            into.Add(_field);
        }
    }
}
