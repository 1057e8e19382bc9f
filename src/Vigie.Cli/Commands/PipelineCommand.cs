using System.Text;
using Vigie.Cli.Arguments;
using Vigie.Core;
using Vigie.Pipelines;
using Vigie.Pipelines.Configuration;
using Vigie.Pipelines.Playground;

namespace Vigie.Cli.Commands;

/// <summary><c>vigie pipeline test</c>: the playground, to try pipelines on sample lines before deploying them.</summary>
public static class PipelineCommand
{
    public static readonly CommandSpec Spec = new("pipeline", """
        usage: vigie pipeline test [--config FILE] [--pipeline NAME] [--field NAME=VALUE] FILE|-

        Runs each line of FILE (- for stdin) through the pipelines of the config file and prints the
        event as it came, what every processor added (+), changed (~) or removed (-), the processor
        that failed and why, and the event as it would be stored. Nothing is sent to a server.

        A line that is a JSON object gives the event's fields; any other line is its _msg.

        flags:
          --config FILE         YAML config file with a 'pipelines:' section (VIGIE_CONFIG); without
                                one, the built-in pipelines alone
          --pipeline NAME       run only this pipeline, whatever its 'if' condition says; without it,
                                every event goes through the pipelines whose condition it matches
          --field NAME=VALUE    add a field to every event that lacks it, e.g. --field service=nginx
                                (so that conditions on service select the sample lines)

        Exits with 1 if a processor failed on any line or the config is invalid.

        """, ["config", "pipeline", "field"], [], 2);

    public static async Task<int> RunAsync(ParsedArgs args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        if (args.Positionals.Count == 0 || args.Positionals[0] != "test")
        {
            throw new UsageException("expected 'vigie pipeline test FILE|-'");
        }
        if (args.Positionals.Count < 2)
        {
            throw new UsageException("no input file (use - to read stdin)");
        }
        var input = args.Positionals[1];
        var extra = new List<KeyValuePair<string, string>>();
        if (args.Get("field") is { } field)
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"invalid --field '{field}': expected NAME=VALUE, e.g. service=nginx");
            }
            extra.Add(new(field[..eq], field[(eq + 1)..]));
        }
        var config = args.Resolve("config", "VIGIE_CONFIG", console.Environment, "");
        IReadOnlyList<Pipeline> pipelines;
        try
        {
            pipelines = config.Length == 0 ? PipelineConfigLoader.BuiltInsOnly() : PipelineConfigLoader.LoadFile(config);
        }
        catch (ConfigException e)
        {
            await console.Error.WriteLineAsync($"vigie pipeline: invalid config: {e.Message}").ConfigureAwait(false);
            return CliApp.Failed;
        }
        List<string> lines;
        try
        {
            lines = await ReadLinesAsync(input, console, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"vigie pipeline: {input}: {e.Message}").ConfigureAwait(false);
            return CliApp.Failed;
        }
        var now = Timestamps.Now();
        IReadOnlyList<TraceResult> results;
        var name = args.Get("pipeline");
        if (name is not null)
        {
            var pipeline = pipelines.FirstOrDefault(p => p.Name == name);
            if (pipeline is null)
            {
                await console.Error.WriteLineAsync($"vigie pipeline: no pipeline named '{name}'; known: {string.Join(", ", pipelines.Select(p => p.Name))}").ConfigureAwait(false);
                return CliApp.Failed;
            }
            results = PipelinePlayground.RunOne(pipeline, lines, now, extra);
        }
        else
        {
            using var set = new PipelineSet(pipelines, new PipelineMetrics());
            results = PipelinePlayground.RunAll(set, lines, now, extra);
        }
        await console.Out.WriteAsync(TraceText.Render(results)).ConfigureAwait(false);
        var failed = results.Count(r => r.Error is not null);
        if (failed > 0)
        {
            await console.Error.WriteLineAsync($"vigie pipeline: {failed} of {results.Count} event(s) failed in a processor").ConfigureAwait(false);
            return CliApp.Failed;
        }
        return CliApp.Ok;
    }

    private static async Task<List<string>> ReadLinesAsync(string input, CliConsole console, CancellationToken cancellationToken)
    {
        var stream = input == "-" ? console.OpenStdin() : File.OpenRead(input);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }
        return lines;
    }
}
