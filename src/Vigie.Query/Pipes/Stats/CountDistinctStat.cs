using System.Buffers;
using System.Text;
using Vigie.Core;
using Vigie.Query.Rows;

namespace Vigie.Query.Pipes.Stats;

/// <summary><c>count_distinct(f)</c>: distinct texts (ordinal, so <c>500</c> and <c>500.0</c> differ) where f exists.</summary>
public sealed class CountDistinctStat : StatAccumulator
{
    private const int StackLimit = 256;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    public CountDistinctStat() => _byChars = _seen.GetAlternateLookup<ReadOnlySpan<char>>();

    public override void Add(string? text)
    {
        if (text is not null)
        {
            _seen.Add(text);
        }
    }

    /// <summary>Looks the value up by its characters, so that only a value not seen before becomes a string.</summary>
    public override void AddUtf8(ReadOnlySpan<byte> utf8)
    {
        char[]? rented = null;
        var chars = utf8.Length <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            var n = Encoding.UTF8.GetChars(utf8, chars);
            _byChars.Add(chars[..n]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    public override void AddAbsent(long rows)
    {
    }

    public override void Merge(StatAccumulator other) => _seen.UnionWith(((CountDistinctStat)other)._seen);

    public override FieldValue Finish() => ResultNumbers.Of(_seen.Count);
}
