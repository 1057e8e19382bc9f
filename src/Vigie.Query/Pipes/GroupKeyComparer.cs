namespace Vigie.Query.Pipes;

/// <summary>Ordinal equality and order of group keys (one text per <c>by</c> field).</summary>
public sealed class GroupKeyComparer : IEqualityComparer<string[]>, IComparer<string[]>
{
    public static readonly GroupKeyComparer Instance = new();

    public bool Equals(string[]? x, string[]? y) => x.AsSpan().SequenceEqual(y.AsSpan());

    public int GetHashCode(string[] obj)
    {
        var hash = new HashCode();
        foreach (var s in obj)
        {
            hash.Add(s, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    public int Compare(string[]? x, string[]? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        for (var i = 0; i < x.Length && i < y.Length; i++)
        {
            var c = string.CompareOrdinal(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return x.Length.CompareTo(y.Length);
    }
}
