using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

/// <summary>
/// Stream keys of events closed with the request's stream fields: batches share the keys they built
/// lately, and every event still gets the key of its own values, whatever batch, order of stream
/// fields or missing field.
/// </summary>
public sealed class EventBatchStreamTests
{
    private static readonly string[] Values = ["web-1", "web-2", "", "é 日本", "a=\"b\"", "x,y"];

    [Fact]
    public void EndEvent_ManyBatchesAndStreamFieldOrders_EveryEventGetsTheKeyOfItsValues()
    {
        var events = (from host in Gen.Elements([null, .. Values])
                      from service in Gen.Elements([null, .. Values])
                      from other in Gen.Elements(Values)
                      select (host, service, other)).ArrayOf();
        var fieldOrders = Gen.Elements("host,service", "service,host", "host", "service,other,host");

        Prop.ForAll(events.ToArbitrary(), fieldOrders.ToArbitrary(), Gen.Choose(1, 5).ToArbitrary(), ((string? Host, string? Service, string Other)[] generated, string order, int perBatch) =>
        {
            var streams = StreamFields.Parse(order);
            var batch = new EventBatch();
            for (var i = 0; i < generated.Length; i++)
            {
                if (i % perBatch == 0)
                {
                    // A new batch sometimes, an emptied one otherwise: both must find their keys anew.
                    batch = i % 2 == 0 ? new EventBatch() : Cleared(batch);
                }
                var (host, service, other) = generated[i];
                batch.BeginEvent(i);
                if (host is not null)
                {
                    batch.AddField("host", ValueKind.String, host);
                }
                batch.AddField("other", ValueKind.String, other);
                if (service is not null)
                {
                    batch.AddField("service", ValueKind.String, service);
                }
                batch.EndEvent(streams);

                var expected = new List<KeyValuePair<string, string>>();
                for (var s = 0; s < streams.Count; s++)
                {
                    var name = streams[s];
                    var value = name switch { "host" => host, "service" => service, _ => other };
                    if (value is not null)
                    {
                        expected.Add(new(name, value));
                    }
                }
                Assert.Equal(StreamKey.Create(expected).Text, batch.GetStream(batch.Count - 1).Text);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static EventBatch Cleared(EventBatch batch)
    {
        batch.Clear();
        return batch;
    }
}
