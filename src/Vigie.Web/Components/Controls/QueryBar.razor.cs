using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Vigie.Web.Model;

namespace Vigie.Web.Components.Controls;

public partial class QueryBar
{
    private bool _focused;
    private int _selected = -1;

    [Parameter]
    public string Value { get; set; } = "";

    [Parameter]
    public EventCallback<string> ValueChanged { get; set; }

    /// <summary>Enter pressed (with no suggestion picked): run the query.</summary>
    [Parameter]
    public EventCallback OnSubmit { get; set; }

    [Parameter]
    public string? Error { get; set; }

    [Parameter]
    public int? ErrorPosition { get; set; }

    /// <summary>Field names and their top values, for completion.</summary>
    [Parameter]
    public IReadOnlyList<Vigie.Query.Engine.FieldSummary> Fields { get; set; } = [];

    /// <summary>Earlier queries, newest first, offered when the bar is empty.</summary>
    [Parameter]
    public IReadOnlyList<string> History { get; set; } = [];

    private IReadOnlyList<Completion> Suggestions => QueryCompletion.Suggest(Value, Fields, History);

    private async Task OnInput(ChangeEventArgs e)
    {
        Value = e.Value?.ToString() ?? "";
        _selected = -1;
        await ValueChanged.InvokeAsync(Value);
    }

    private void OnBlur()
    {
        _focused = false;
        _selected = -1;
    }

    private async Task OnKeyDown(KeyboardEventArgs e)
    {
        var count = Suggestions.Count;
        switch (e.Key)
        {
            case "ArrowDown" when count > 0:
                _selected = (_selected + 1) % count;
                break;
            case "ArrowUp" when count > 0:
                _selected = _selected <= 0 ? count - 1 : _selected - 1;
                break;
            case "Escape":
                _focused = false;
                _selected = -1;
                break;
            case "Tab" or "Enter" when _selected >= 0 && _selected < count:
                await AcceptAsync(Suggestions[_selected]);
                break;
            case "Enter":
                _focused = false;
                await OnSubmit.InvokeAsync();
                break;
        }
    }

    private async Task AcceptAsync(Completion completion)
    {
        Value = completion.Apply(Value);
        _selected = -1;
        _focused = true;
        await ValueChanged.InvokeAsync(Value);
    }
}
