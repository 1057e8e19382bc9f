namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// A floating-point sum rounded once at the end (Shewchuk's partials, as Python's <c>math.fsum</c>), so
/// that the result is the same whatever the order of the terms: scans in any order agree.
/// </summary>
public sealed class ExactSum
{
    private readonly List<double> _partials = [];
    private double _special;

    public void Add(double x)
    {
        var i = 0;
        for (var j = 0; j < _partials.Count; j++)
        {
            var y = _partials[j];
            if (Math.Abs(x) < Math.Abs(y))
            {
                (x, y) = (y, x);
            }
            var hi = x + y;
            var lo = y - (hi - x);
            if (lo != 0)
            {
                _partials[i++] = lo;
            }
            x = hi;
        }
        if (double.IsInfinity(x))
        {
            // Overflow leaves the partials meaningless; the sum is then reported as infinite.
            _special += x;
            return;
        }
        _partials.RemoveRange(i, _partials.Count - i);
        _partials.Add(x);
    }

    public void Add(ExactSum other)
    {
        foreach (var p in other._partials)
        {
            Add(p);
        }
        _special += other._special;
    }

    public double Value
    {
        get
        {
            if (_special != 0 || double.IsNaN(_special))
            {
                return _special;
            }
            var n = _partials.Count;
            if (n == 0)
            {
                return 0;
            }
            var hi = _partials[--n];
            var lo = 0.0;
            while (n > 0)
            {
                var x = hi;
                var y = _partials[--n];
                hi = x + y;
                lo = y - (hi - x);
                if (lo != 0)
                {
                    break;
                }
            }
            // Round half-even correctly when the rest lies exactly halfway between two doubles.
            if (n > 0 && ((lo < 0 && _partials[n - 1] < 0) || (lo > 0 && _partials[n - 1] > 0)))
            {
                var y = lo * 2;
                var x = hi + y;
                if (y == x - hi)
                {
                    hi = x;
                }
            }
            return hi;
        }
    }
}
