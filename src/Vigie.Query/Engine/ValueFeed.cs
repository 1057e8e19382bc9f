using System.Buffers;
using Vigie.Core;
using Vigie.Query.Pipes.Stats;
using Vigie.Storage.Blocks;

namespace Vigie.Query.Engine;

/// <summary>How a stats function's field is read from a block.</summary>
internal enum FeedMode
{
    /// <summary><c>count()</c>, or a field the block lacks: rows are only counted.</summary>
    Absent,

    /// <summary>A column stored as numbers: numeric functions take the number, others its text.</summary>
    Numbers,

    /// <summary>A dictionary or constant column: the entry's text, already decoded once per block.</summary>
    Entries,

    /// <summary>Any other column: the value's UTF-8 bytes.</summary>
    Bytes,

    /// <summary><c>_stream</c> or <c>_time</c>: a text made per row.</summary>
    Text,
}

/// <summary>Feeds one stats function the values of its field, row by row, in the cheapest form the column offers.</summary>
internal sealed class ValueFeed
{
    private readonly Column? _column;
    private readonly string[]? _entries;
    private readonly ColumnarBlock _block;
    private readonly string _field;

    private ValueFeed(FeedMode mode, ColumnarBlock block, string field, Column? column = null, string[]? entries = null)
    {
        Mode = mode;
        _block = block;
        _field = field;
        _column = column;
        _entries = entries;
    }

    public FeedMode Mode { get; }

    public static ValueFeed For(ColumnarBlock block, string? field)
    {
        if (field is null)
        {
            return new ValueFeed(FeedMode.Absent, block, "");
        }
        if (field is FieldNames.Stream or FieldNames.Time)
        {
            return new ValueFeed(FeedMode.Text, block, field);
        }
        return block.GetColumn(field) switch
        {
            null => new ValueFeed(FeedMode.Absent, block, field),
            { ConstantValue: { } constant } c => new ValueFeed(FeedMode.Entries, block, field, c, [constant.Text]),
            { DictionaryValues: { } values } c => new ValueFeed(FeedMode.Entries, block, field, c, [.. values.Select(v => v.Text)]),
            { Numbers: not null } c => new ValueFeed(FeedMode.Numbers, block, field, c),
            var c => new ValueFeed(FeedMode.Bytes, block, field, c),
        };
    }

    /// <summary>Feeds every row whose <paramref name="mask"/> entry is set, in one go where the column allows.</summary>
    public void FeedAll(StatAccumulator into, bool[] mask)
    {
        if (Mode == FeedMode.Absent)
        {
            return;
        }
        if (into is CountDistinctStat distinct && FeedDistinct(distinct, mask))
        {
            return;
        }
        if (Mode == FeedMode.Numbers && into.NumbersOnly)
        {
            var numbers = _column!.Numbers!;
            var kinds = _column.Kinds;
            var scratch = ArrayPool<double>.Shared.Rent(mask.Length);
            var n = 0;
            for (var r = 0; r < mask.Length; r++)
            {
                // absent rows and stored NaN or infinities are no numbers to the function
                if (mask[r] && kinds[r] != ValueKind.Absent && double.IsFinite(numbers[r]))
                {
                    scratch[n++] = numbers[r];
                }
            }
            into.AddNumbers(scratch.AsSpan(0, n));
            ArrayPool<double>.Shared.Return(scratch);
            return;
        }
        for (var r = 0; r < mask.Length; r++)
        {
            if (mask[r])
            {
                Feed(into, r);
            }
        }
    }

    /// <summary>
    /// <c>count_distinct</c> over a column stored as addresses or integers takes the numbers, and over
    /// a dictionary or constant column each entry once per block; false for other columns.
    /// </summary>
    private bool FeedDistinct(CountDistinctStat into, bool[] mask)
    {
        switch (_column)
        {
            case { Ipv4Addresses: { } addresses } column:
                into.AddIpv4s(addresses, column.Kinds, mask);
                return true;
            case { Integers: { } integers } column:
                into.AddInt64s(integers, column.Kinds, mask);
                return true;
            case { } column when Mode == FeedMode.Entries:
                var kinds = column.Kinds;
                var codes = column.DictionaryCodes;
                Span<bool> seen = stackalloc bool[_entries!.Length];
                for (var r = 0; r < mask.Length; r++)
                {
                    if (mask[r] && kinds[r] != ValueKind.Absent)
                    {
                        seen[codes is null ? 0 : codes[r]] = true;
                    }
                }
                for (var e = 0; e < seen.Length; e++)
                {
                    if (seen[e])
                    {
                        into.Add(_entries[e]);
                    }
                }
                return true;
            default:
                return false;
        }
    }

    public void Feed(StatAccumulator into, int row)
    {
        switch (Mode)
        {
            case FeedMode.Absent:
                return;
            case FeedMode.Text:
                into.Add(_field == FieldNames.Stream ? _block.Stream.Text : Timestamps.FormatRfc3339(_block.Times[row]));
                return;
        }
        var column = _column!;
        if (!column.Has(row))
        {
            into.Add(null);
            return;
        }
        if (into is CountDistinctStat distinct)
        {
            if (column.Ipv4Addresses is { } addresses)
            {
                distinct.AddIpv4(addresses[row]);
                return;
            }
            if (column.Integers is { } integers)
            {
                distinct.AddInt64(integers[row]);
                return;
            }
        }
        switch (Mode)
        {
            case FeedMode.Numbers when into.NumbersOnly:
                var number = column.Numbers![row];
                if (double.IsFinite(number))
                {
                    into.AddNumber(number);
                }
                break;
            case FeedMode.Entries:
                into.Add(_entries![column.DictionaryCodes is { } codes ? codes[row] : 0]);
                break;
            default:
                into.AddUtf8(column.GetValue(row));
                break;
        }
    }
}
