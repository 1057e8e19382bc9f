namespace Vigie.Cli.Arguments;

/// <summary>
/// Parses <c>--name value</c>, <c>--name=value</c>, switches, <c>-h</c>/<c>--help</c> and plain arguments.
/// </summary>
/// <remarks>
/// The argument after a flag that takes a value is its value whatever it looks like, so that
/// <c>--start -1h</c> works. <c>--</c> ends the flags: what follows is plain, even when it starts with a dash.
/// A lone <c>-</c> is a plain argument (stdin). A flag given twice keeps its last value for
/// <see cref="ParsedArgs.Get"/>; <see cref="ParsedArgs.GetAll"/> has every value (repeatable flags).
/// </remarks>
public static class ArgParser
{
    public static ParsedArgs Parse(IReadOnlyList<string> args, CommandSpec spec)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(spec);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var repeated = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var switches = new HashSet<string>(StringComparer.Ordinal);
        var positionals = new List<string>();
        var help = false;
        var flagsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (flagsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                flagsEnded = true;
                continue;
            }
            if (arg is "-h" or "--help")
            {
                help = true;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unknown flag {arg} (flags are spelt --name; use -- before a plain argument that starts with a dash)");
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            if (spec.IsSwitch(name))
            {
                if (eq >= 0)
                {
                    throw new UsageException($"flag --{name} takes no value");
                }
                switches.Add(name);
                continue;
            }
            if (!spec.TakesValue(name))
            {
                throw new UsageException($"unknown flag --{name}");
            }
            if (eq >= 0)
            {
                values[name] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[name] = args[++i];
            }
            else
            {
                throw new UsageException($"flag --{name} needs a value");
            }
            if (!repeated.TryGetValue(name, out var all))
            {
                repeated[name] = all = [];
            }
            all.Add(values[name]);
        }
        if (!help && positionals.Count > spec.MaxPositionals)
        {
            throw new UsageException(spec.MaxPositionals == 0
                ? $"unexpected argument '{positionals[0]}'"
                : $"unexpected argument '{positionals[spec.MaxPositionals]}'");
        }
        return new ParsedArgs(spec, values, switches, positionals, help, repeated);
    }
}
