namespace Vigie.EndToEnd.Tests;

/// <summary>
/// The web UI's assemblies (Blazor, SignalR, MudBlazor) stay out of a server whose UI is not opened:
/// the API's requests do not load them. Seen in the files the process maps.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class WebUiLoadingTests(CliBuild cli) : IDisposable
{
    private static readonly string[] UiAssemblies =
        ["Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.SignalR", "MudBlazor", "Vigie.Web.dll"];

    private readonly string _data = Directory.CreateTempSubdirectory("vigie-e2e-webui-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static List<string> LoadedUiAssemblies(int pid) =>
        [.. File.ReadLines($"/proc/{pid}/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 5)
            .Select(f => Path.GetFileName(f[5]))
            .Where(name => UiAssemblies.Any(a => name.StartsWith(a, StringComparison.Ordinal)))
            .Distinct()];

    [Fact]
    public async Task Serve_ApiRequests_DoNotLoadTheUi_ItsFirstPageDoes()
    {
        using var server = await VigieProcess.StartAsync(cli, _data);
        await server.IngestOkAsync(Events.Ndjson([new { _msg = "ui stays unloaded", host = "h1" }]));
        var rows = await server.QueryUntilAsync("unloaded", r => r.Count == 1);
        Assert.Single(rows);
        await server.MetricAsync("vigie_parts");
        Assert.Contains("\"ok\"", await server.Client.GetStringAsync("/healthz"), StringComparison.Ordinal);
        using (var fields = await server.Client.GetAsync("/api/v1/fields?q=*"))
        {
            Assert.True(fields.IsSuccessStatusCode);
        }
        using (var missing = await server.Client.GetAsync("/api/v1/nothing-here"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        }
        Assert.Empty(LoadedUiAssemblies(server.Pid));

        // As a browser asks (without Accept, `GET /` is an Elasticsearch client's handshake).
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await server.Client.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("_framework/blazor.web.js", page, StringComparison.Ordinal);
        var loaded = LoadedUiAssemblies(server.Pid);
        Assert.Contains(loaded, name => name.StartsWith("Microsoft.AspNetCore.Components", StringComparison.Ordinal));
        Assert.Contains("MudBlazor.dll", loaded);

        // A page whose path the Elasticsearch API's one-segment routes (other methods) also match.
        using var tail = new HttpRequestMessage(HttpMethod.Get, "/tail");
        tail.Headers.Accept.ParseAdd("text/html");
        using var tailResponse = await server.Client.SendAsync(tail);
        Assert.Equal(System.Net.HttpStatusCode.OK, tailResponse.StatusCode);
        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        unknown.Headers.Accept.ParseAdd("text/html");
        using var unknownResponse = await server.Client.SendAsync(unknown);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknownResponse.StatusCode);
    }
}
