using Microsoft.Extensions.Logging;

namespace Vigie.Agent.Host;

/// <summary>
/// The agent's log, one line per message on the console, in the format of the <c>vigie</c> command's
/// (<c>2026-11-25T10:00:00.000Z info: vigie.agent[0] message</c>). Written here rather than taken from
/// Microsoft.Extensions.Logging.Console, whose options, configuration binding and queue thread cost
/// memory and start-up time the agent does not need.
/// </summary>
internal sealed class ConsoleLoggerFactory(TextWriter output) : ILoggerFactory
{
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => new ConsoleLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
        // Only the console: nothing else to add.
    }

    public void Dispose() => output.Flush();

    internal void Write(string line)
    {
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
