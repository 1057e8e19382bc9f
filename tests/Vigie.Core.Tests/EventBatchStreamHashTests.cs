using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

/// <summary>
/// The hash an event's stream fields get while decoding (<see cref="EventBatch.EndEvent(StreamFields)"/>)
/// is the hash of the key <see cref="StreamKey.Create"/> builds from them: an event closed with that key
/// (<see cref="EventBatch.EndEvent(StreamKey)"/>, as replay and copies do) lands in the same stream.
/// </summary>
public sealed class EventBatchStreamHashTests
{
    private static readonly string[] Values = ["web-1", "web-2", "", "é 日本", "a=\"b\"", "x,y", "a-much-longer-value-than-sixteen-bytes"];

    [Fact]
    public void EndEventByFields_SameHashAsCreate()
    {
        var gen = from host in Gen.Elements([null, .. Values])
                  from service in Gen.Elements([null, .. Values])
                  from order in Gen.Elements("host,service", "service", "host,other,service", "")
                  select (host, service, order);
        Prop.ForAll(gen.ToArbitrary(), ((string? Host, string? Service, string Order) e) =>
        {
            var streams = StreamFields.Parse(e.Order);
            var batch = new EventBatch();
            batch.BeginEvent(1);
            if (e.Service is not null)
            {
                batch.AddField("service", ValueKind.String, e.Service);
            }
            batch.AddField("other", ValueKind.String, "o");
            if (e.Host is not null)
            {
                batch.AddField("host", ValueKind.String, e.Host);
            }
            batch.EndEvent(streams);

            var expected = new List<KeyValuePair<string, string>>();
            for (var s = 0; s < streams.Count; s++)
            {
                var value = streams[s] switch { "host" => e.Host, "service" => e.Service, _ => "o" };
                if (value is not null)
                {
                    expected.Add(new(streams[s], value));
                }
            }
            var key = StreamKey.Create(expected);
            batch.BeginEvent(2);
            batch.EndEvent(key);
            Assert.Equal(batch.GetStreamIndex(0), batch.GetStreamIndex(1));
            Assert.Single(batch.Streams);
            Assert.Equal(key.Text, batch.GetStream(0).Text);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
