using Vigie.Core;

namespace Vigie.Core.Tests;

public class EventBatchMemoryTests
{
    [Fact]
    public void MemoryBytes_CountsTheBuffersAsAllocatedNotJustTheValues()
    {
        var batch = new EventBatch(events: 1000, fields: 16_000, valueBytes: 1 << 20);
        var empty = batch.MemoryBytes;

        // A batch sized for 1000 events of 16 fields costs its buffers before any value is added.
        Assert.True(empty >= (1 << 20) + 16_000L * 13 + 1000L * 16, $"{empty}");
        Assert.Equal(0, batch.ValueBytes);

        var streams = new StreamFields(["host"]);
        for (var i = 0; i < 5000; i++)
        {
            batch.BeginEvent(i);
            batch.AddField("host", ValueKind.String, "web-01"u8);
            batch.AddField("_msg", ValueKind.String, new byte[300]);
            batch.EndEvent(streams);
        }

        // Past its sizing the batch regrew: what it holds now is counted, and never less than its values.
        Assert.True(batch.MemoryBytes > empty);
        Assert.True(batch.MemoryBytes >= batch.ValueBytes + batch.TotalFields * 13L);
    }
}
