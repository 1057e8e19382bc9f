namespace Vigie.Cli.Arguments;

/// <summary>The flags one command accepts and its help text.</summary>
/// <param name="Name">The command as typed, e.g. <c>query</c>.</param>
/// <param name="Help">The text <c>--help</c> prints.</param>
/// <param name="ValueFlags">Flags that take a value, without their dashes.</param>
/// <param name="Switches">Flags that take none.</param>
/// <param name="MaxPositionals">How many plain arguments the command takes.</param>
public sealed record CommandSpec(string Name, string Help, IReadOnlyList<string> ValueFlags, IReadOnlyList<string> Switches, int MaxPositionals)
{
    public bool TakesValue(string flag) => ValueFlags.Contains(flag, StringComparer.Ordinal);

    public bool IsSwitch(string flag) => Switches.Contains(flag, StringComparer.Ordinal);
}
