using Vigie.Agent.Hosting;
using Vigie.Agent.Host;
using Vigie.Cli;
using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;

const int ok = 0, failed = 1, badUsage = 2;
GcSettings.EnsureSmallGen0(args);
ThreadLimits.Apply();
AgentOptions options;
try
{
    var parsed = ArgParser.Parse(args, AgentCommand.Spec);
    if (parsed.Help)
    {
        Console.Out.Write(AgentCommand.Spec.Help.Replace("vigie agent", "vigie-agent", StringComparison.Ordinal));
        return ok;
    }
    options = AgentCommand.Options(parsed, Environment.GetEnvironmentVariable);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"vigie-agent: {e.Message}\nrun 'vigie-agent --help' for usage");
    return badUsage;
}
using var loggers = new ConsoleLoggerFactory(Console.Out);
using var stopping = new StopSignals("vigie-agent", Console.Error, CancellationToken.None);
try
{
    return await new AgentRunner(options, loggers).RunAsync(stopping.Token).ConfigureAwait(false);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"vigie-agent: {e.Message}");
    return failed;
}
