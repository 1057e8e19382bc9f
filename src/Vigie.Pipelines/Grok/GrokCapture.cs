namespace Vigie.Pipelines.Grok;

/// <summary>One named capture of a compiled grok expression: the regex group, the field it fills and its type.</summary>
/// <param name="Group">The regex group number.</param>
/// <param name="Field">The field name as the user wrote it (may contain dots).</param>
/// <param name="Type">The conversion applied to the text.</param>
public sealed record GrokCapture(int Group, string Field, GrokType Type);
