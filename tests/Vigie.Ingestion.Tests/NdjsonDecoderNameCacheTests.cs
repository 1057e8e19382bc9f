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
        for (var i = 0; i < 50; i++)
        {
            lines.Append((i % 3) switch
            {
                0 => $"{{\"a\":\"a{i}\",\"b\":\"b{i}\",\"_msg\":\"m{i}\"}}\n",
                1 => $"{{\"b\":\"b{i}\",\"a\":\"a{i}\",\"c\":{{\"d\":\"cd{i}\"}}}}\n",
                _ => $"{{\"c.d\":\"cd{i}\",\"aa\":\"aa{i}\",\"a\":\"a{i}\"}}\n",
            });
        }
        var seen = new List<LogEvent>();
        var batch = new EventBatch();
        var result = await NdjsonDecoder.DecodeAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(lines.ToString())), batch, StreamFields.None,
            new NdjsonLimits { FlushEvents = 4 }, Decode.Now,
            (full, _) =>
            {
                seen.AddRange(full.ToLogEvents());
                full.Clear(); // the same batch goes on: its name ids start over
                return ValueTask.FromResult(full);
            });
        seen.AddRange(batch.ToLogEvents());

        Assert.Equal(50, result.Accepted);
        Assert.Equal(50, seen.Count);
        foreach (var e in seen)
        {
            foreach (var (name, value) in e.Fields)
            {
                var expectedPrefix = name switch { "_msg" => "m", "c.d" => "cd", _ => name };
                Assert.Matches($"^{expectedPrefix}[0-9]+$", value.Text);
            }
        }
    }
}
