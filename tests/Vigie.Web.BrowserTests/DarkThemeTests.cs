using System.Globalization;
using Microsoft.Playwright;

namespace Vigie.Web.BrowserTests;

/// <summary>Every page in the dark theme: a dark background with light, readable text (and a screenshot to look at).</summary>
[Collection(UiCollection.Name)]
public sealed class DarkThemeTests(UiFixture ui)
{
    [Theory]
    [InlineData("/?q=error&from=now-24h", "discover")]
    [InlineData("/tail", "tail")]
    [InlineData("/dashboards", "dashboards")]
    [InlineData("/dashboards/docker-host", "dashboard")]
    [InlineData("/sources", "sources")]
    public async Task Page_InDarkTheme_IsDarkWithReadableText(string path, string name)
    {
        var page = await ui.NewPageAsync(dark: true);
        await ui.OpenAsync(page, path);
        await page.WaitForTimeoutAsync(500);
        // The colour actually painted behind the content: the first ancestor with a background (the
        // browser's white if none has one).
        var background = Luminance(await page.EvaluateAsync<string>("""
            () => {
              for (let e = document.querySelector('.page'); e; e = e.parentElement) {
                const c = getComputedStyle(e).backgroundColor;
                if (c && c !== 'transparent' && !c.startsWith('rgba(0, 0, 0, 0)')) return c;
              }
              return 'rgb(255, 255, 255)';
            }
            """));
        var text = Luminance(await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.page') ?? document.body).color"));
        await ui.ScreenshotAsync(page, name + "-dark");
        Assert.True(background < 0.1, $"{path}: background luminance {background:0.00} is not dark");
        // WCAG contrast ratio between text and background; 4.5 is the minimum for body text.
        var contrast = (text + 0.05) / (background + 0.05);
        Assert.True(contrast >= 4.5, $"{path}: text/background contrast {contrast:0.0} is below 4.5");
        await page.Context.CloseAsync();
    }

    /// <summary>Relative luminance (WCAG) of a CSS <c>rgb()</c>/<c>rgba()</c> colour.</summary>
    private static double Luminance(string css)
    {
        var parts = css[(css.IndexOf('(', StringComparison.Ordinal) + 1)..css.IndexOf(')', StringComparison.Ordinal)]
            .Split([',', ' ', '/'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        static double Channel(double c)
        {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(parts[0]) + 0.7152 * Channel(parts[1]) + 0.0722 * Channel(parts[2]);
    }
}
