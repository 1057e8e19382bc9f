using Vigie.Core;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Tests;

/// <summary>
/// The store holds a batch with its events grouped by stream; the live tail still shows them in the
/// order they came.
/// </summary>
public sealed class TailFeedOrderTests
{
    [Fact]
    public async Task Subscribe_EventsOfStreamsInterleaved_ComeInTheOrderTheyArrived()
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
                (now, [("service", "a"), ("_msg", "tailword 1")]),
                (now, [("service", "b"), ("_msg", "tailword 2")]),
                (now, [("service", "a"), ("_msg", "tailword 3")]),
                (now, [("service", "c"), ("_msg", "tailword 4")]),
                (now, [("service", "b"), ("_msg", "tailword 5")]));
            for (var i = 0; i < 100 && buffer.Rows.Count < 5; i++)
            {
                await Task.Delay(20);
            }
            // Newest first, as the tail shows them.
            Assert.Equal(["tailword 5", "tailword 4", "tailword 3", "tailword 2", "tailword 1"], buffer.Rows.Select(r => r.Message));
        }
    }
}
