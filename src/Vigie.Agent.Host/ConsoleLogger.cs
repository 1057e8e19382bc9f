using Microsoft.Extensions.Logging;

namespace Vigie.Agent.Host;

/// <summary>One category's logger of <see cref="ConsoleLoggerFactory"/>: information and above.</summary>
internal sealed class ConsoleLogger(ConsoleLoggerFactory factory, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var level = logLevel switch
        {
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
        var line = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fff}Z {level}: {category}[{eventId.Id}] {formatter(state, exception)}";
        factory.Write(exception is null ? line : line + Environment.NewLine + exception);
    }
}
