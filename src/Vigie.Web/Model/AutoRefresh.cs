using Vigie.Web.Components.Controls;

namespace Vigie.Web.Model;

/// <summary>
/// A page's auto-refresh: runs a tick on a timer whose interval is the URL's <c>refresh</c> value
/// (<see cref="TimeRangePicker.Interval"/>); a new value restarts it, an off value stops it.
/// </summary>
public sealed class AutoRefresh : IDisposable
{
    private PeriodicTimer? _timer;
    private string? _for;

    public void Set(string? refresh, Func<Task> tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        if (_for == refresh)
        {
            return;
        }
        _for = refresh;
        _timer?.Dispose();
        _timer = null;
        if (TimeRangePicker.Interval(refresh) is not { } every)
        {
            return;
        }
        var timer = new PeriodicTimer(every);
        _timer = timer;
        _ = Task.Run(async () =>
        {
            while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
            {
                await tick().ConfigureAwait(false);
            }
        });
    }

    public void Dispose() => _timer?.Dispose();
}
