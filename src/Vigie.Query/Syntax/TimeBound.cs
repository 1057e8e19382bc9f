namespace Vigie.Query.Syntax;

/// <summary>One absolute end of a time range, in nanoseconds since the Unix epoch.</summary>
public sealed record TimeBound(long Ns, bool Inclusive);
