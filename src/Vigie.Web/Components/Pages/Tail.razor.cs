using Microsoft.AspNetCore.Components;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Components.Pages;

/// <summary>
/// Live tail: subscribes to new events matching the filter in the URL (<c>?q=</c>) and shows the
/// newest first. Rows are kept in a bounded buffer and the page re-renders at most a few times a
/// second, however fast events arrive.
/// </summary>
public partial class Tail
{
    private static readonly TimeSpan RenderEvery = TimeSpan.FromMilliseconds(250);

    private string _draft = "";
    private string? _error;
    private IReadOnlyList<string> _words = [];
    private IAsyncDisposable? _subscription;
    private PeriodicTimer? _timer;

    [Inject]
    private TailFeed Tails { get; set; } = default!;

    [Inject]
    private NavigationManager Nav { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")]
    public string? Q { get; set; }

    private TailBuffer Feed { get; } = new();

    protected override async Task OnParametersSetAsync()
    {
        _draft = Q ?? "";
        await SubscribeAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _timer = new PeriodicTimer(RenderEvery);
            _ = RenderLoopAsync(_timer);
        }
    }

    private async Task RenderLoopAsync(PeriodicTimer timer)
    {
        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            if (Feed.TakeChanged())
            {
                await InvokeAsync(StateHasChanged).ConfigureAwait(false);
            }
        }
    }

    private async Task SubscribeAsync()
    {
        if (_subscription is { } old)
        {
            _subscription = null;
            await old.DisposeAsync();
        }
        Feed.Clear();
        var (subscription, error) = Tails.Subscribe(Q, Feed.Add);
        _subscription = subscription;
        _error = error;
        _words = Highlight.Words(Q);
    }

    private Task ApplyAsync()
    {
        if (_draft == (Q ?? ""))
        {
            return SubscribeAsync();
        }
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("q", _draft.Length == 0 ? null : _draft));
        return Task.CompletedTask;
    }

    private void TogglePause() => Feed.Paused = !Feed.Paused;

    private void Clear() => Feed.Clear();

    public async ValueTask DisposeAsync()
    {
        _timer?.Dispose();
        if (_subscription is { } s)
        {
            await s.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
