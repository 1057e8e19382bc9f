using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Server.Observability;

namespace Vigie.Server.Tests;

public class TrimmableMemoryPoolTests
{
    [Fact]
    public void A_returned_block_is_reused_until_the_pool_is_trimmed()
    {
        using var pool = new TrimmableMemoryPool();
        var first = pool.Rent();
        Assert.Equal(TrimmableMemoryPool.BlockSize, first.Memory.Length);
        var array = ArrayOf(first);
        first.Dispose();
        Assert.Equal(1, pool.FreeBlocks);

        var again = pool.Rent();
        Assert.Same(array, ArrayOf(again));
        again.Dispose();

        pool.Trim();
        Assert.Equal(0, pool.FreeBlocks);
        using var fresh = pool.Rent();
        Assert.NotSame(array, ArrayOf(fresh));
    }

    [Fact]
    public void A_block_in_use_during_a_trim_comes_back_to_the_pool()
    {
        using var pool = new TrimmableMemoryPool();
        var held = pool.Rent();
        pool.Rent().Dispose();
        pool.Trim();
        held.Dispose();
        Assert.Equal(1, pool.FreeBlocks);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(16 * 1024)]
    public void Requests_up_to_a_block_share_the_pooled_blocks(int size)
    {
        using var pool = new TrimmableMemoryPool();
        Assert.Equal(16 * 1024, pool.MaxBufferSize);
        var first = pool.Rent(size);
        var array = ArrayOf(first);
        first.Dispose();
        using var again = pool.Rent(TrimmableMemoryPool.BlockSize);
        Assert.Same(array, ArrayOf(again));
        Assert.Equal(TrimmableMemoryPool.BlockSize, again.Memory.Length);
    }

    [Fact]
    public void Larger_requests_get_an_array_of_their_own_and_a_disposed_pool_refuses()
    {
        var pool = new TrimmableMemoryPool();
        using (var big = pool.Rent(TrimmableMemoryPool.BlockSize * 3))
        {
            Assert.True(big.Memory.Length >= TrimmableMemoryPool.BlockSize * 3);
        }
        Assert.Equal(0, pool.FreeBlocks);
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }

    [Fact]
    public async Task Kestrel_reads_requests_into_the_trimmable_pools()
    {
        await using var server = await LiveServer.StartAsync();
        var factory = server.Services.GetRequiredService<TrimmableMemoryPoolFactory>();
        Assert.Same(factory, server.Services.GetRequiredService<IMemoryPoolFactory<byte>>());

        var body = LiveServer.Ndjson(Enumerable.Range(0, 2_000).Select(i => new { _msg = $"line {i} " + new string('x', 100), host = "a" }).ToArray());
        using (var response = await server.Client.PostAsync("/api/v1/ingest?stream=host", new StringContent(body)))
        {
            response.EnsureSuccessStatusCode();
        }
        // Kestrel asked this factory for its pools (the idle trim may already have emptied them).
        Assert.NotEmpty(factory.Pools);

        factory.TrimAll();
        Assert.All(factory.Pools, p => Assert.Equal(0, p.FreeBlocks));
    }

    private static byte[] ArrayOf(IMemoryOwner<byte> owner) =>
        MemoryMarshal.TryGetArray<byte>(owner.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");
}
