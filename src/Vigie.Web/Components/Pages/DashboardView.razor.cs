using Microsoft.AspNetCore.Components;
using Vigie.Web.Components.Controls;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Components.Pages;

/// <summary>
/// One dashboard: its panels in a 12-column grid, over the range in the URL (<c>?from=&amp;to=</c>,
/// else the dashboard's own), refreshed on a timer (<c>?refresh=</c>, 30 s unless set). Edits are
/// saved to the server at once.
/// </summary>
public partial class DashboardView : IDisposable
{
    private const string DefaultRefresh = "30s";

    private Dashboard? _dashboard;
    private bool _adding;
    private PanelDraft _new = new();
    private int _generation;
    private readonly AutoRefresh _refresh = new();

    [Parameter]
    public string Id { get; set; } = "";

    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? To { get; set; }

    [SupplyParameterFromQuery(Name = "refresh")]
    public string? Refresh { get; set; }

    [Inject]
    private DashboardStore Store { get; set; } = default!;

    [Inject]
    private NavigationManager Nav { get; set; } = default!;

    private TimeRange Range => TimeRange.FromUrl(From ?? _dashboard?.From, To);

    protected override void OnParametersSet()
    {
        _dashboard = Store.Get(Id);
        _generation++;
        if (RendererInfo.IsInteractive)
        {
            SetUpRefresh();
        }
    }

    private Task SetRangeAsync(TimeRange range)
    {
        Nav.NavigateTo(Nav.GetUriWithQueryParameters(new Dictionary<string, object?> { ["from"] = range.From, ["to"] = range.To }));
        return Task.CompletedTask;
    }

    private Task SetRefreshAsync(string refresh)
    {
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("refresh", refresh));
        return Task.CompletedTask;
    }

    private void AddPanel()
    {
        if (_dashboard is null)
        {
            return;
        }
        var panel = new Panel(_new.Title.Trim(), _new.Query.Trim(), _new.Kind, _new.Width);
        _dashboard = _dashboard with { Panels = [.. _dashboard.Panels, panel] };
        Store.Save(_dashboard);
        _new = new PanelDraft();
        _adding = false;
    }

    private void RemovePanel(int index)
    {
        if (_dashboard is null || index >= _dashboard.Panels.Count)
        {
            return;
        }
        _dashboard = _dashboard with { Panels = [.. _dashboard.Panels.Where((_, i) => i != index)] };
        Store.Save(_dashboard);
    }

    private void SetUpRefresh() => _refresh.Set(Refresh ?? DefaultRefresh, () => InvokeAsync(() =>
    {
        _generation++;
        StateHasChanged();
    }));

    public void Dispose()
    {
        _refresh.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The "add panel" form.</summary>
    private sealed class PanelDraft
    {
        public string Title { get; set; } = "";

        public string Query { get; set; } = "";

        public PanelKind Kind { get; set; } = PanelKind.TimeSeries;

        public int Width { get; set; } = 6;
    }
}
