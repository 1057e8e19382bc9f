namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Objects costly to make, lent for one use at a time: at most <c>maxFree</c> are kept between uses,
/// and <see cref="TrimIfUnused"/> disposes the kept ones when none was lent since its last call.
/// </summary>
internal sealed class ContextPool<T>(Func<T> create, int maxFree)
    where T : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Stack<T> _free = new();
    private bool _used;

    public int FreeCount
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    public T Rent()
    {
        lock (_lock)
        {
            _used = true;
            if (_free.TryPop(out var context))
            {
                return context;
            }
        }
        return create();
    }

    public void Return(T context)
    {
        lock (_lock)
        {
            if (_free.Count < maxFree)
            {
                _free.Push(context);
                return;
            }
        }
        context.Dispose();
    }

    public void TrimIfUnused()
    {
        T[]? dropped = null;
        lock (_lock)
        {
            if (!_used && _free.Count > 0)
            {
                dropped = [.. _free];
                _free.Clear();
            }
            _used = false;
        }
        foreach (var context in dropped ?? [])
        {
            context.Dispose();
        }
    }
}
