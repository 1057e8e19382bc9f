using Microsoft.JSInterop;
using MudBlazor;

namespace Vigie.Web.Components.Layout;

public partial class MainLayout
{
    private readonly MudTheme _theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3949ab", AppbarBackground = "#283593", AppbarText = "#ffffff", Background = "#f6f7fb" },
        PaletteDark = new PaletteDark { Primary = "#7986cb", AppbarBackground = "#1a1f3a", AppbarText = "#ffffff", Background = "#14161f", Surface = "#1d202c" },
        Typography = new Typography { Default = new DefaultTypography { FontSize = ".875rem" } },
    };

    private bool _dark;

    [Microsoft.AspNetCore.Components.Inject]
    private IJSRuntime Js { get; set; } = default!;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // The user's choice lives in the browser (localStorage), so that it survives reloads;
            // without one, the system's light or dark preference decides.
            var saved = await Js.InvokeAsync<string?>("vigie.getTheme");
            var dark = saved is null ? await Js.InvokeAsync<bool>("vigie.prefersDark") : saved == "dark";
            if (dark && !_dark)
            {
                _dark = true;
                StateHasChanged();
            }
        }
    }

    private async Task ToggleTheme()
    {
        _dark = !_dark;
        await Js.InvokeVoidAsync("vigie.setTheme", _dark ? "dark" : "light");
    }
}
