using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Vigie.Core;
using Vigie.Web.Components.Controls;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Components.Pages;

/// <summary>
/// Search: the query, the range, the auto-refresh and the extra columns all live in the URL
/// (<c>?q=&amp;from=&amp;to=&amp;refresh=&amp;cols=</c>), so a search can be shared and Back undoes a step.
/// Every change navigates; the search runs when the URL's parameters arrive.
/// </summary>
public partial class Discover : IDisposable
{
    private string _draft = "";
    private DisplayRow? _expanded;
    private IReadOnlyList<string> _history = [];
    private readonly AutoRefresh _refresh = new();

    /// <summary>The search Enter started before its address reached the page, so that it does not run twice.</summary>
    private (string Query, TimeRange Range)? _startedBeforeNavigation;

    [Inject]
    private DiscoverViewModel Vm { get; set; } = default!;

    [Inject]
    private NavigationManager Nav { get; set; } = default!;

    [Inject]
    private RowsPrefetch Prefetch { get; set; } = default!;

    [Inject]
    private IJSRuntime Js { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")]
    public string? Q { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? To { get; set; }

    [SupplyParameterFromQuery(Name = "refresh")]
    public string? Refresh { get; set; }

    [SupplyParameterFromQuery(Name = "cols")]
    public string? Cols { get; set; }

    private TimeRange Range => TimeRange.FromUrl(From, To);

    private List<string> ColumnList => [.. (Cols ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private string HitsText => Vm.Outcome switch
    {
        null => "",
        { Error: not null } => "The query has an error",
        { IsEvents: false } o => $"{o.Rows.Count.ToString("N0", CultureInfo.InvariantCulture)} result rows",
        _ when Vm.Hits is { } hits => $"{hits.ToString("N0", CultureInfo.InvariantCulture)} events",
        var o => $"{o.Rows.Count.ToString("N0", CultureInfo.InvariantCulture)}{(o.LimitReached || o.Partial ? "+" : "")} events",
    };

    protected override async Task OnParametersSetAsync()
    {
        _draft = Q ?? "";
        _expanded = null;
        if (!RendererInfo.IsInteractive)
        {
            // The first HTML goes out at once, without waiting for the search; its rows are read
            // meanwhile, for the live page to take when it starts.
            Prefetch.Start(Q, Range);
            return;
        }
        SetUpRefresh();
        if (_startedBeforeNavigation is { } started && started == (Q ?? "", Range))
        {
            // Enter started this search already; this is its address arriving.
            _startedBeforeNavigation = null;
            return;
        }
        _startedBeforeNavigation = null;
        await Vm.RunAsync(Q, Range, () => InvokeAsync(StateHasChanged), Prefetch.Take(Q ?? "", Range));
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _history = await Js.InvokeAsync<string[]?>("vigie.history") ?? [];
        }
    }

    private async Task SubmitAsync()
    {
        var query = _draft;
        if (query == (Q ?? ""))
        {
            // Same URL: navigation would not re-run it, so run it here (the user asked for fresh rows).
            await Task.WhenAll(Vm.RunAsync(Q, Range, () => InvokeAsync(StateHasChanged)), RememberAsync(query));
            return;
        }
        // The search starts at once, and the address follows: waiting for the navigation to come
        // back from the browser would add a round trip, and the history's two more.
        _startedBeforeNavigation = (query, Range);
        var run = Vm.RunAsync(query, Range, () => InvokeAsync(StateHasChanged));
        Navigate(q: query);
        await Task.WhenAll(run, RememberAsync(query));
    }

    private async Task RememberAsync(string query)
    {
        await Js.InvokeVoidAsync("vigie.remember", query);
        _history = await Js.InvokeAsync<string[]?>("vigie.history") ?? [];
    }

    private Task SetRangeAsync(TimeRange range)
    {
        Navigate(from: range.From, to: range.To);
        return Task.CompletedTask;
    }

    private Task SetRefreshAsync(string refresh)
    {
        Navigate(refresh: refresh == TimeRangePicker.RefreshOff ? "" : refresh);
        return Task.CompletedTask;
    }

    private Task ZoomAsync((long StartNs, long EndNs) span)
    {
        var zoomed = TimeRange.Absolute(span.StartNs, span.EndNs);
        Navigate(from: zoomed.From, to: zoomed.To);
        return Task.CompletedTask;
    }

    private Task ZoomOutAsync()
    {
        var (start, end) = Range.Resolve(Timestamps.Now());
        var span = end - start;
        var zoomed = TimeRange.Absolute(start - span, end + span);
        Navigate(from: zoomed.From, to: zoomed.To);
        return Task.CompletedTask;
    }

    private Task FilterAsync((string Field, string Value, bool Exclude) f)
    {
        Navigate(q: QueryEdits.AddFilter(_draft, f.Field, f.Value, f.Exclude));
        return Task.CompletedTask;
    }

    private Task ToggleColumnAsync(string field)
    {
        var cols = ColumnList;
        if (!cols.Remove(field))
        {
            cols.Add(field);
        }
        Navigate(cols: string.Join(',', cols));
        return Task.CompletedTask;
    }

    private void ToggleRow(DisplayRow row) => _expanded = ReferenceEquals(_expanded, row) ? null : row;

    /// <summary>Changes some URL parameters, keeps the others; empty removes one.</summary>
    private void Navigate(string? q = null, string? from = null, string? to = null, string? refresh = null, string? cols = null)
    {
        static object? Value(string? changed, string? current) => (changed ?? current) is { Length: > 0 } v ? v : null;
        var uri = Nav.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["q"] = Value(q, Q),
            ["from"] = Value(from, From),
            ["to"] = Value(to, To),
            ["refresh"] = Value(refresh, Refresh),
            ["cols"] = Value(cols, Cols),
        });
        Nav.NavigateTo(uri);
    }

    /// <summary>Auto-refresh re-runs the search on a timer while the page is open; the interval comes from the URL.</summary>
    private void SetUpRefresh() => _refresh.Set(Refresh, async () =>
    {
        if (!Vm.Busy)
        {
            await InvokeAsync(() => Vm.RunAsync(Q, Range, () => InvokeAsync(StateHasChanged))).ConfigureAwait(false);
        }
    });

    public void Dispose()
    {
        _refresh.Dispose();
        // The view model lives as long as the circuit; its search must not outlive the page.
        Vm.Cancel();
        GC.SuppressFinalize(this);
    }
}
