using Microsoft.Playwright;

namespace Vigie.Web.BrowserTests;

[Collection(UiCollection.Name)]
public sealed class SourcesTests(UiFixture ui)
{
    [Fact]
    public async Task Sources_ShowsStreamsAndSnippetsForThisServer()
    {
        var page = await ui.NewPageAsync();
        await ui.OpenAsync(page, "/sources");
        var streams = page.GetByTestId("stream-row");
        foreach (var service in UiFixture.Services)
        {
            await Assertions.Expect(streams.Filter(new LocatorFilterOptions { HasText = $"{{service=\"{service}\"}}" })).ToHaveCountAsync(1);
        }
        var snippets = page.GetByTestId("snippet");
        await Assertions.Expect(snippets).ToHaveCountAsync(11);
        // Snippets name the address the browser used.
        await Assertions.Expect(snippets.First).ToContainTextAsync($"{ui.Server.Address.GetLeftPart(UriPartial.Authority)}/api/v1/ingest");
        await ui.ScreenshotAsync(page, "sources");
        await page.Context.CloseAsync();
    }
}
