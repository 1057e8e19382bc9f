using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Vigie.Bench;

/// <summary>
/// <c>vigie-bench ui --url URL</c>: how long the Discover page takes to show the first rows of a
/// selective query, in a real headless Chromium, against a running server (optionally loaded first
/// with the benchmark corpus). Two timings per query: opening a shared link (navigation to the
/// first row on screen) and pressing Enter in the query bar (key press to the first matching row).
/// </summary>
internal static class UiBench
{
    public const string Usage = """
        usage: vigie-bench ui --url http://127.0.0.1:9880 [options]

        Times the first results of selective queries on the Discover page in headless Chromium.

          --url URL          the server (required)
          --load N           first ingest N events of the benchmark corpus (default 0: use what is stored)
          --runs N           timed runs per query and way (default 7; the median is reported)
          --chromium FILE    the browser (default /usr/bin/chromium)
        """;

    private const double TargetMs = 300;

    /// <summary>Selective queries over the corpus and a word every matching row shows.</summary>
    internal static readonly (string Name, string Query, string Shows)[] Searches =
    [
        ("rare word", Corpus.RareWord, Corpus.RareWord),
        ("field filters", "service:nginx status:>=500 host:web-03", "nginx"),
        ("phrase + field", $"\"{Corpus.Phrase}\" service:nginx", "refused"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        string? url = null;
        long load = 0;
        var runs = 7;
        var chromium = "/usr/bin/chromium";
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": url = Next().TrimEnd('/'); break;
                case "--load": load = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--chromium": chromium = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (url is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"vigie-bench ui: no browser at {chromium}: install Debian's chromium (scripts/install-test-deps.sh does) or pass --chromium");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(15) };
        if (load > 0)
        {
            await LoadAsync(http, load).ConfigureAwait(false);
        }
        var stored = await CountAsync(http, "*").ConfigureAwait(false);
        Console.WriteLine($"{stored:N0} events stored; {runs} runs per query, median reported; target: first rows under {TargetMs:0} ms");

        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        }).ConfigureAwait(false);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 800 } }).ConfigureAwait(false);
        var met = true;
        foreach (var (name, query, shows) in Searches)
        {
            var hits = await CountAsync(http, query).ConfigureAwait(false);
            var link = $"{url}/?q={Uri.EscapeDataString(query)}&from=-24h";
            var opened = new List<double>();
            var loaded = new List<double>();
            var entered = new List<double>();
            await page.GotoAsync(link).ConfigureAwait(false); // warm-up: the circuit, the JIT, the page cache
            await FirstRowAsync(page, shows).ConfigureAwait(false);
            for (var r = 0; r < runs; r++)
            {
                await page.GotoAsync("about:blank").ConfigureAwait(false);
                var clock = Stopwatch.StartNew();
                await page.GotoAsync(link, new PageGotoOptions { WaitUntil = WaitUntilState.Commit }).ConfigureAwait(false);
                // The part before any search: the page, its scripts and styles.
                await page.WaitForLoadStateAsync(LoadState.Load).ConfigureAwait(false);
                loaded.Add(clock.Elapsed.TotalMilliseconds);
                await FirstRowAsync(page, shows).ConfigureAwait(false);
                opened.Add(clock.Elapsed.TotalMilliseconds);

                // From another query's rows (cron's, which show none of the searched words), type this one and press Enter.
                await page.FillAsync("[data-testid=query]", "service:cron").ConfigureAwait(false);
                await page.PressAsync("[data-testid=query]", "Enter").ConfigureAwait(false);
                await FirstRowAsync(page, "cron").ConfigureAwait(false);
                await page.FillAsync("[data-testid=query]", query).ConfigureAwait(false);
                clock.Restart();
                await page.PressAsync("[data-testid=query]", "Enter").ConfigureAwait(false);
                await FirstRowAsync(page, shows).ConfigureAwait(false);
                entered.Add(clock.Elapsed.TotalMilliseconds);
            }
            var open = Stats.Median(opened);
            var enter = Stats.Median(entered);
            met &= enter < TargetMs;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-16} {query,-40} {hits,9:N0} hits   Enter → first row {enter,6:0} ms (min {entered.Min():0}, max {entered.Max():0})   open link → first row {open,6:0} ms (page loaded {Stats.Median(loaded),4:0} ms)"));
        }
        Console.WriteLine(met ? $"target met: every median Enter → first row under {TargetMs:0} ms" : $"target NOT met: a median Enter → first row is over {TargetMs:0} ms");
        return 0;
    }

    /// <summary>Waits until the first result row shows <paramref name="shows"/> (matching rows of the new query are on screen).</summary>
    private static Task FirstRowAsync(IPage page, string shows) =>
        page.WaitForFunctionAsync("s => { const r = document.querySelector('[data-testid=row]'); return r && r.textContent.toLowerCase().includes(s.toLowerCase()); }",
            shows, new PageWaitForFunctionOptions { PollingInterval = 5, Timeout = 60_000 });

    private static async Task<long> CountAsync(HttpClient http, string query)
    {
        var text = await http.GetStringAsync($"/api/v1/query?start=-24h&q={Uri.EscapeDataString(query + " | stats count()")}").ConfigureAwait(false);
        return (long)Answers.FromVigie(text).GetValueOrDefault("");
    }

    private static async Task LoadAsync(HttpClient http, long events)
    {
        var work = Path.Combine(Path.GetTempPath(), "vigie-bench-ui-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var before = await CountAsync(http, "*").ConfigureAwait(false);
            Console.WriteLine($"generating {events:N0} events...");
            var ndjson = Path.Combine(work, "corpus.ndjson");
            var facts = new Corpus(events, 1, DateTimeOffset.UtcNow).Write(ndjson, Path.Combine(work, "corpus.tsv"), 8 * 1024 * 1024);
            File.Delete(Path.Combine(work, "corpus.tsv"));
            var seconds = await Sender.SendAllAsync(ndjson, facts.NdjsonChunks, 4, null, http,
                body => new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest?stream=host,service") { Content = body },
                CheckAsync, new Sender.Backoff(), CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine($"ingested {events:N0} events in {seconds:0} s; waiting until they are searchable...");
            var deadline = Stopwatch.StartNew();
            while (await CountAsync(http, "*").ConfigureAwait(false) < before + events)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new TimeoutException("the loaded events did not all become searchable within 5 minutes");
                }
                await Task.Delay(500).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<Sender.Retry?> CheckAsync(HttpResponseMessage response, Chunk chunk, CancellationToken ct)
    {
        if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
        {
            using var refused = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var kept = refused.RootElement.TryGetProperty("accepted", out var a) ? a.GetInt64() : 0;
            return new Sender.Retry(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), kept);
        }
        response.EnsureSuccessStatusCode();
        return null;
    }
}
