using System.Globalization;

namespace Vigie.Query.Syntax;

/// <summary>
/// One aggregate of a stats pipe: <c>count()</c>, <c>count(f)</c>, <c>count_distinct(f)</c>, <c>sum(f)</c>,
/// <c>avg(f)</c>, <c>min(f)</c>, <c>max(f)</c> or a percentile <c>p0(f)</c> … <c>p100(f)</c>, optionally <c>as alias</c>.
/// </summary>
public sealed record StatsFunction
{
    public const string Count = "count";
    public const string CountDistinct = "count_distinct";
    public const string Sum = "sum";
    public const string Avg = "avg";
    public const string Min = "min";
    public const string Max = "max";

    public StatsFunction(string name, string? field, string? alias = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsKnown(name))
        {
            throw new ArgumentException($"Unknown stats function '{name}'.", nameof(name));
        }
        if (field is null && name != Count)
        {
            throw new ArgumentException($"{name} needs a field.", nameof(field));
        }
        if (field is "" || alias is "")
        {
            throw new ArgumentException("Field names and aliases cannot be empty.");
        }
        Name = name;
        Field = field;
        Alias = alias;
    }

    public string Name { get; }

    public string? Field { get; }

    public string? Alias { get; }

    /// <summary>The function as written canonically, e.g. <c>count()</c>, <c>p99(duration)</c>.</summary>
    public string Expression => $"{Name}({(Field is null ? "" : Lexicon.FormatField(Field))})";

    /// <summary>The name of the result column: the alias, else <see cref="Expression"/>.</summary>
    public string ResultName => Alias ?? Expression;

    /// <summary>The percentile of a <c>pN</c> function, else null.</summary>
    public int? Percentile => TryParsePercentile(Name, out var p) ? p : null;

    public static bool IsKnown(string name) =>
        name is Count or CountDistinct or Sum or Avg or Min or Max || TryParsePercentile(name, out _);

    public static bool TryParsePercentile(string name, out int percentile)
    {
        percentile = 0;
        return name.Length is >= 2 and <= 4 && name[0] == 'p' && name.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0
            && (name.Length == 2 || name[1] != '0')
            && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out percentile) && percentile <= 100;
    }

    public override string ToString() => Alias is null ? Expression : $"{Expression} as {Lexicon.FormatField(Alias)}";
}
