using System.Globalization;

namespace Vigie.Shippers.Tests;

/// <summary>Debian's python3-fluent-logger (Message mode, integer time and EventTime).</summary>
[Collection(ShippersCollection.Name)]
public sealed class FluentLoggerTests(ShipperServer server)
{
    [Theory]
    [InlineData("False")]
    [InlineData("True")]
    public async Task PythonFluentLogger_Emit_RecordsFoundWithFields(string nanoseconds)
    {
        var marker = ShipperServer.Marker();
        var script = $$"""
            from fluent import sender
            s = sender.FluentSender('app', host='127.0.0.1', port={{server.Fluent}}, nanosecond_precision={{nanoseconds}})
            for i in range(3):
                assert s.emit('orders', {'message': 'order %d {{marker}}' % i, 'user': {'id': i, 'name': 'jane'}, 'ok': True, 'tags': ['a', 'b']}), s.last_error
            s.close()
            """;
        await ProcessRunner.RunOkAsync("/usr/bin/python3", ["-c", script]);
        var rows = await server.WaitForAsync(marker, 3);
        foreach (var row in rows)
        {
            Assert.Equal("app.orders", row.Text("tag"));
            Assert.Equal("jane", row.Text("user.name"));
            Assert.Equal("true", row.Text("ok"));
            Assert.Equal("[\"a\",\"b\"]", row.Text("tags"));
            Assert.Matches($"^order [0-2] {marker}$", row.Text("_msg"));
            var time = DateTime.Parse(row.Text("_time")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            Assert.InRange(time, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        }
    }
}
