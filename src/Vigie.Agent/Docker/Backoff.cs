namespace Vigie.Agent.Docker;

/// <summary>Waits that double from half a second up to 30 seconds, with jitter so that agents do not retry in step.</summary>
internal sealed class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    private TimeSpan _next = First;

    public TimeSpan Next()
    {
        var wait = _next;
        _next = TimeSpan.FromTicks(Math.Min(Max.Ticks, _next.Ticks * 2));
        return wait * (0.75 + Random.Shared.NextDouble() / 2);
    }

    public void Reset() => _next = First;
}
