using Vigie.Query.Rows;
using Vigie.Query.Syntax;

namespace Vigie.Query.Pipes;

/// <summary>A stable sort; rows lacking a key go after the rows that have it, whatever the direction.</summary>
public sealed class SortStep(SortPipe pipe) : IRowStep
{
    public IEnumerable<IRow> Run(IEnumerable<IRow> rows)
    {
        var keys = pipe.Keys;
        var decorated = rows.Select(r => (Row: r, Keys: keys.Select(k => SortValue.Of(r.Get(k.Field))).ToArray()));
        return decorated.OrderBy(d => d.Keys, new KeysComparer(keys)).Select(d => d.Row).ToList();
    }

    private sealed class KeysComparer(IReadOnlyList<SortKey> keys) : IComparer<SortValue[]>
    {
        public int Compare(SortValue[]? x, SortValue[]? y)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                var a = x![i];
                var b = y![i];
                int c;
                if (!a.IsPresent || !b.IsPresent)
                {
                    c = a.IsPresent.CompareTo(b.IsPresent) * -1;
                }
                else
                {
                    c = SortValue.Compare(a, b);
                    if (keys[i].Descending)
                    {
                        c = -c;
                    }
                }
                if (c != 0)
                {
                    return c;
                }
            }
            return 0;
        }
    }
}
