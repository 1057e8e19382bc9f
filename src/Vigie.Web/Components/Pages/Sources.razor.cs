using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Components.Pages;

/// <summary>How to send logs, and what arrived recently per stream (one bucketed stats query).</summary>
public partial class Sources
{
    private const int WindowMinutes = 15;

    /// <summary>Streams × minutes: enough for a few hundred busy streams.</summary>
    private const int MaxRows = 20_000;

    private IReadOnlyList<SourceSnippet> _snippets = [];
    private IReadOnlyList<StreamActivity>? _activity;
    private string? _error;

    [Inject]
    private LogSearch Search { get; set; } = default!;

    [Inject]
    private NavigationManager Nav { get; set; } = default!;

    [Inject]
    private IJSRuntime Js { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _snippets = SourceSnippets.For(new Uri(Nav.BaseUri));
        if (RendererInfo.IsInteractive)
        {
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        var range = new TimeRange($"-{WindowMinutes}m", "now");
        var (rows, error) = await Task.Run(() => Search.Rows("* | stats count() as events by (_stream, _time:1m)", range, MaxRows));
        _error = error;
        _activity = StreamActivity.From(rows, WindowMinutes);
    }

    private async Task CopyAsync(string text)
    {
        try
        {
            await Js.InvokeVoidAsync("vigie.copy", text);
        }
        catch (JSException)
        {
            // No clipboard outside a secure context: the text stays selectable.
        }
    }
}
