namespace Vigie.Pipelines.Grok;

/// <summary>A grok expression that cannot be compiled: an unknown pattern name, a cycle, a bad regex or type.</summary>
public sealed class GrokException(string message) : Exception(message);
