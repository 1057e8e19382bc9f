using Vigie.Core;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Tests;

public sealed class TailFeedTests
{
    [Fact]
    public async Task Subscribe_DeliversOnlyMatchingNewEvents()
    {
        using var store = new TestStore();
        var feed = new TailFeed(store.Store);
        var buffer = new TailBuffer();
        var (subscription, error) = feed.Subscribe("tailword", buffer.Add);
        Assert.Null(error);
        await using (subscription!)
        {
            var now = Timestamps.Now();
            await store.AppendAsync(
                (now, [("service", "a"), ("_msg", "tailword one")]),
                (now, [("service", "a"), ("_msg", "something else")]),
                (now, [("service", "b"), ("_msg", "TAILWORD two")]));
            for (var i = 0; i < 100 && buffer.Rows.Count < 2; i++)
            {
                await Task.Delay(20);
            }
            Assert.Equal(["TAILWORD two", "tailword one"], buffer.Rows.Select(r => r.Message));
        }
    }

    [Fact]
    public void Subscribe_WithPipes_IsRefused()
    {
        using var store = new TestStore();
        var (subscription, error) = new TailFeed(store.Store).Subscribe("error | stats count()", _ => { });
        Assert.Null(subscription);
        Assert.Equal("live tail takes a filter only, without pipes", error);
    }

    [Fact]
    public void Subscribe_WithBadFilter_ReportsThePlace()
    {
        using var store = new TestStore();
        var (subscription, error) = new TailFeed(store.Store).Subscribe("status:", _ => { });
        Assert.Null(subscription);
        Assert.Equal("line 1, column 8: expected a value after ':'", error);
    }
}
