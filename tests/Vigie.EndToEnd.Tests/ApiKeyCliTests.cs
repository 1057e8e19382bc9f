namespace Vigie.EndToEnd.Tests;

/// <summary><c>vigie serve --api-key</c> with <c>vigie ingest --api-key</c>, as real processes.</summary>
[Collection(CliCollection.Name)]
public sealed class ApiKeyCliTests(CliBuild cli) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-e2e-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ServeWithTwoKeys_IngestWithoutKeyFails401_WithEitherKeyStores()
    {
        using var server = await VigieProcess.StartAsync(cli, Path.Combine(_dir, "data"), "--api-key", "alpha-key", "--api-key", "beta-key");
        var file = Path.Combine(_dir, "lines.log");
        await File.WriteAllTextAsync(file, "first keyed line\nsecond keyed line\n");

        var (refused, _, refusedError) = await cli.RunAsync("ingest", "--server", server.Address.ToString(), file);
        Assert.Equal(1, refused);
        Assert.Contains("401", refusedError, StringComparison.Ordinal);
        Assert.Contains("API key", refusedError, StringComparison.Ordinal);

        var (code, _, error) = await cli.RunAsync("ingest", "--server", server.Address.ToString(), "--api-key", "beta-key", file);
        Assert.True(code == 0, error);
        var rows = await server.QueryUntilAsync("keyed", r => r.Count == 2);
        Assert.Equal(2, rows.Count);
        Assert.Equal(1, await server.MetricAsync("vigie_listener_unauthorized_requests_total{listener=\"api\"}"));
    }
}
