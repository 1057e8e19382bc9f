using System.Text;
using Vigie.Core;

namespace Vigie.Ingestion.Tests;

/// <summary>The decoder remembers the previous line's keys; that must never give a wrong name.</summary>
public class NdjsonDecoderNameCacheTests
{
    [Fact]
    public async Task DecodeAsync_KeysChangeOrderAndBatchIsClearedAndReused_EveryFieldKeepsItsName()
    {
        var lines = new StringBuilder();
        // Flushing every 2 events, a {"a"} line often opens a cleared batch right after a {"a"} line
        // whose id in the previous batch came after the four keys of the line before it.
        for (var i = 0; i < 48; i++)
        {
            lines.Append((i % 3) switch
            {
                0 => $"{{\"b\":\"b{i}\",\"_msg\":\"m{i}\",\"c\":{{\"d\":\"cd{i}\"}},\"aa\":\"aa{i}\"}}\n",
                _ => $"{{\"a\":\"a{i}\"}}\n",
            });
        }
        var seen = new List<LogEvent>();
        var batch = new EventBatch();
        var result = await NdjsonDecoder.DecodeAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(lines.ToString())), batch, StreamFields.None,
            new NdjsonLimits { FlushEvents = 2 }, Decode.Now,
            (full, _) =>
            {
                seen.AddRange(full.ToLogEvents());
                full.Clear(); // the same batch goes on: its name ids start over
                return ValueTask.FromResult(full);
            });
        seen.AddRange(batch.ToLogEvents());

        Assert.Equal(48, result.Accepted);
        Assert.Equal(48, seen.Count);
        foreach (var e in seen)
        {
            foreach (var (name, value) in e.Fields)
            {
                var expectedPrefix = name switch { "_msg" => "m", "c.d" => "cd", _ => name };
                Assert.Matches($"^{expectedPrefix}[0-9]+$", value.Text);
            }
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(400)]
    public async Task DecodeAsync_ManyShapesInterleavedAcrossBatches_EveryFieldKeepsItsName(int distinctKeys)
    {
        // Lines of different shapes, so that the position cache misses and names come from the
        // name table, past its capacity when there are hundreds of distinct keys; batches are
        // cleared and reused so that ids start over.
        var random = new Random(distinctKeys);
        var lines = new StringBuilder();
        for (var i = 0; i < 600; i++)
        {
            lines.Append('{');
            var keys = Enumerable.Range(0, 1 + random.Next(6)).Select(_ => random.Next(distinctKeys)).Distinct();
            lines.AppendJoin(',', keys.Select(k => $"\"key{k}\":\"key{k}-{i}\""));
            lines.Append("}\n");
        }
        var seen = new List<LogEvent>();
        var batch = new EventBatch();
        var result = await NdjsonDecoder.DecodeAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(lines.ToString())), batch, StreamFields.None,
            new NdjsonLimits { FlushEvents = 97 }, Decode.Now,
            (full, _) =>
            {
                seen.AddRange(full.ToLogEvents());
                full.Clear();
                return ValueTask.FromResult(full);
            });
        seen.AddRange(batch.ToLogEvents());

        Assert.Equal(600, result.Accepted);
        Assert.Equal(600, seen.Count);
        foreach (var e in seen)
        {
            Assert.NotEmpty(e.Fields);
            foreach (var (name, value) in e.Fields)
            {
                Assert.StartsWith(name + "-", value.Text, StringComparison.Ordinal);
            }
        }
    }
}
