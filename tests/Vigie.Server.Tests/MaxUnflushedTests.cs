using Microsoft.Extensions.DependencyInjection;
using Vigie.Storage.Store;

namespace Vigie.Server.Tests;

/// <summary><see cref="ServerOptions.MaxUnflushedBytes"/> (<c>--max-unflushed</c>) reaches the store's back-pressure bound.</summary>
public class MaxUnflushedTests
{
    [Fact]
    public async Task Store_GivenABound_HoldsThatBound()
    {
        await using var server = await LiveServer.StartAsync(o => o with { MaxUnflushedBytes = 40L * 1024 * 1024 });

        Assert.Equal(40L * 1024 * 1024, server.Services.GetRequiredService<LogStore>().Options.MaxUnflushedBytes);
    }

    [Fact]
    public async Task Store_NoBound_HoldsTheStoreDefault()
    {
        await using var server = await LiveServer.StartAsync();

        Assert.Equal(new StoreOptions { DataDirectory = "x" }.MaxUnflushedBytes, server.Services.GetRequiredService<LogStore>().Options.MaxUnflushedBytes);
    }
}
