namespace Vigie.Cli.Arguments;

/// <summary>A command line once parsed against a <see cref="CommandSpec"/>.</summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _switches;

    public ParsedArgs(CommandSpec spec, Dictionary<string, string> values, HashSet<string> switches, IReadOnlyList<string> positionals, bool help)
    {
        Spec = spec;
        _values = values;
        _switches = switches;
        Positionals = positionals;
        Help = help;
    }

    public CommandSpec Spec { get; }

    public IReadOnlyList<string> Positionals { get; }

    /// <summary><c>-h</c> or <c>--help</c> was given.</summary>
    public bool Help { get; }

    public string? Get(string flag) => _values.GetValueOrDefault(flag);

    public bool Has(string flag) => _switches.Contains(flag);

    /// <summary>The flag's value, else the environment variable's (when set and not empty), else the default.</summary>
    public string Resolve(string flag, string environmentVariable, Func<string, string?> environment, string fallback)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (_values.TryGetValue(flag, out var value))
        {
            return value;
        }
        var fromEnvironment = environment(environmentVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? fallback : fromEnvironment;
    }
}
