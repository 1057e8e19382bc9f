namespace Vigie.Cli.Query;

/// <summary>One value of a result row as a table shows it.</summary>
/// <param name="Text">The value's text (strings unquoted, arrays and objects as JSON).</param>
/// <param name="IsNumber">A JSON number, or a string that reads as one: right-aligned.</param>
public readonly record struct TableCell(string Text, bool IsNumber);
