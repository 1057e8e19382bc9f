using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Delivery;

// usage: Vigie.Agent.BufferWriter DIR SOURCES
// Appends lines "<source> line <n>" (position n) from SOURCES concurrent sources, resuming each source
// after its durable position, and prints "durable <source> <n>" after each flush it saw complete.
var directory = args[0];
var sourceCount = int.Parse(args[1], CultureInfo.InvariantCulture);
var buffer = DiskBuffer.Open(new BufferOptions { Directory = directory, BatchMaxLines = 500, BatchMaxAge = TimeSpan.FromMilliseconds(20) }, NullLogger.Instance, new DeliveryMetrics());
var output = Console.Out;
var gate = new Lock();
Console.Out.WriteLine("ready");
Console.Out.Flush();
var tasks = Enumerable.Range(0, sourceCount).Select(s => Task.Run(async () =>
{
    var origin = new LineOrigin($"test:{s}", [new("host", "crash")]);
    var next = buffer.TryGet(origin.SourceKey, out var position) ? position.Offset + 1 : 1;
    for (var chunk = 1; ; chunk++)
    {
        for (var i = 0; i < 200; i++, next++)
        {
            await buffer.AppendAsync(new CollectedLine(origin, next, Encoding.UTF8.GetBytes($"{origin.SourceKey} line {next}"), new SourcePosition(next)), CancellationToken.None);
        }
        if (chunk % 5 == 0)
        {
            await buffer.FlushAsync(CancellationToken.None);
            lock (gate)
            {
                output.WriteLine($"durable {origin.SourceKey} {next - 1}");
                output.Flush();
            }
        }
    }
}));
await Task.WhenAll(tasks);
