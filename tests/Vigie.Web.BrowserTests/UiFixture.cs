using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Vigie.Web.BrowserTests;

/// <summary>
/// One <c>vigie serve</c> with known events and one headless Debian Chromium for the whole run
/// (starting a browser is the slow part). Tests open their own pages.
/// </summary>
public sealed class UiFixture : IAsyncLifetime
{
    /// <summary>Debian's package path: no browser download is needed (nor possible offline).</summary>
    public const string Chromium = "/usr/bin/chromium";

    public static readonly string[] Services = ["api", "web", "db"];

    public static readonly string[] LevelCycle = ["info", "info", "warn", "error"];

    /// <summary>Known events: 120 over the 20 minutes before start-up, one every 10 s.</summary>
    public const int EventCount = 120;

    private IPlaywright? _playwright;

    public VigieServe Server { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public static string ServiceOf(int i) => Services[i % Services.Length];

    public static string LevelOf(int i) => LevelCycle[i % LevelCycle.Length];

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: run scripts/install-test-deps.sh (Debian packages chromium and chromium-driver)");
        }
        Directory.CreateDirectory(Screenshots);
        Server = await VigieServe.StartAsync();
        var now = DateTime.UtcNow;
        var ndjson = new StringBuilder();
        for (var i = 0; i < EventCount; i++)
        {
            var time = now.AddSeconds(-10 * (EventCount - i)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            var status = LevelOf(i) == "error" ? 500 : 200;
            ndjson.Append(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["_time"] = time,
                ["service"] = ServiceOf(i),
                ["level"] = LevelOf(i),
                ["status"] = status,
                ["request_id"] = $"req-{i:D4}",
                ["_msg"] = LevelOf(i) == "error" ? $"upstream connection refused for req-{i:D4}" : $"request served in {i % 50} ms",
            })).Append('\n');
        }
        await Server.IngestAsync(ndjson.ToString(), "service");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        // Events become searchable at the next flush of the store.
        await WaitSearchableAsync("*", EventCount);
    }

    public async Task WaitSearchableAsync(string query, int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var text = await Server.Client.GetStringAsync("/api/v1/query?limit=1000&start=-1h&q=" + Uri.EscapeDataString(query));
            if (text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= count)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{count} events for {query} never became searchable");
    }

    /// <summary>A new page (1366×800, a laptop screen) that fails the test on a browser-side error.</summary>
    public async Task<IPage> NewPageAsync(bool dark = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 800 },
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(10_000);
        return page;
    }

    /// <summary>Opens a page and waits until it is interactive (typing before that would be lost).</summary>
    public async Task OpenAsync(IPage page, string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(Url(pathAndQuery));
        await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
    }

    public string Url(string pathAndQuery) => new Uri(Server.Address, pathAndQuery).ToString();

    public async Task ScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = false });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiFixture>
{
    public const string Name = "ui";
}
