using System.Runtime.CompilerServices;
using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;

namespace Vigie.Cli;

/// <summary>Picks the command and turns usage errors into exit code 2.</summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadUsage = 2;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        if (args.Count == 0 || args[0] is "help" or "-h" or "--help")
        {
            return Help(args.Skip(1).FirstOrDefault(), console);
        }
        var rest = args.Skip(1).ToArray();
        var spec = SpecFor(args[0]);
        if (spec is null)
        {
            await console.Error.WriteLineAsync($"vigie: unknown command '{args[0]}'\nrun 'vigie help' for the list of commands").ConfigureAwait(false);
            return BadUsage;
        }
        ParsedArgs parsed;
        try
        {
            parsed = ArgParser.Parse(rest, spec);
            if (parsed.Help)
            {
                await console.Out.WriteAsync(spec.Help).ConfigureAwait(false);
                return Ok;
            }
            return spec.Name == "serve"
                ? await ServeCommand.RunAsync(parsed, console, cancellationToken).ConfigureAwait(false)
                : await RunClientCommandAsync(spec.Name, parsed, console, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync($"vigie {spec.Name}: {e.Message}\nrun 'vigie {spec.Name} --help' for usage").ConfigureAwait(false);
            return BadUsage;
        }
    }

    /// <summary>
    /// The commands other than <c>serve</c>, apart: compiling a method that starts them loads the
    /// HTTP client's library (their state holds a connection to a server), which a server does not
    /// use (about 0.9 MB resident).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task<int> RunClientCommandAsync(string name, ParsedArgs parsed, CliConsole console, CancellationToken cancellationToken) => name switch
    {
        "query" => QueryCommand.RunAsync(parsed, console, cancellationToken),
        "ingest" => IngestCommand.RunAsync(parsed, console, cancellationToken),
        "pipeline" => PipelineCommand.RunAsync(parsed, console, cancellationToken),
        "agent" => AgentCommand.RunAsync(parsed, console, cancellationToken),
        _ => Task.FromResult(VersionCommand.Run(console)),
    };

    private static CommandSpec? SpecFor(string command) => command switch
    {
        "serve" => ServeCommand.Spec,
        "query" => QueryCommand.Spec,
        "ingest" => IngestCommand.Spec,
        "pipeline" => PipelineCommand.Spec,
        "agent" => AgentCommand.Spec,
        "version" or "--version" => VersionCommand.Spec,
        _ => null,
    };

    private static int Help(string? command, CliConsole console)
    {
        if (command is null)
        {
            console.Out.Write(Usage);
            return Ok;
        }
        var spec = SpecFor(command);
        if (spec is null)
        {
            console.Error.WriteLine($"vigie: unknown command '{command}'\nrun 'vigie help' for the list of commands");
            return BadUsage;
        }
        console.Out.Write(spec.Help);
        return Ok;
    }

    public const string Usage = """
        vigie: self-hosted log monitoring

        usage: vigie <command> [flags]

        commands:
          serve     run the server: storage, queries and the HTTP API
          query     run a query against a server and print the results
          ingest    send log files (NDJSON or plain text) to a server
          pipeline  try processing pipelines on sample lines ('vigie pipeline test')
          agent     collect this host's container, file and journal logs and ship them to a server
          version   print the version of vigie and of .NET
          help      print this help, or 'vigie help <command>'

        run 'vigie <command> --help' for the flags of a command.

        """;
}
