using Microsoft.Extensions.Logging;
using Vigie.Agent.Hosting;
using Vigie.Cli.Arguments;

namespace Vigie.Cli.Commands;

/// <summary>Runs <c>vigie agent</c> within the <c>vigie</c> command.</summary>
public static partial class AgentCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        var options = Options(args, console.Environment);
        using var loggers = LoggerFactory.Create(b =>
        {
            b.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
            b.SetMinimumLevel(LogLevel.Information);
        });
        using var stopping = new StopSignals("vigie agent", console.Error, cancellationToken);
        try
        {
            return await new AgentRunner(options, loggers).RunAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"vigie agent: {e.Message}").ConfigureAwait(false);
            return CliApp.Failed;
        }
    }
}
