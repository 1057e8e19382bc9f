namespace Vigie.Cli.Arguments;

/// <summary>A command line once parsed against a <see cref="CommandSpec"/>.</summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _switches;
    private readonly Dictionary<string, List<string>> _repeated;

    public ParsedArgs(CommandSpec spec, Dictionary<string, string> values, HashSet<string> switches, IReadOnlyList<string> positionals, bool help, Dictionary<string, List<string>>? repeated = null)
    {
        _repeated = repeated ?? [];
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

    /// <summary>Every value given to a repeatable flag, in order; empty when it was not given.</summary>
    public IReadOnlyList<string> GetAll(string flag) => _repeated.TryGetValue(flag, out var all) ? all : _values.TryGetValue(flag, out var one) ? [one] : [];

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
