using Vigie.Query.Syntax;

namespace Vigie.Query.Engine;

/// <summary>One query to run.</summary>
/// <param name="Query">The parsed query.</param>
/// <param name="NowNs">The instant relative times (<c>_time:15m</c>, <c>-1h</c>) refer to.</param>
/// <param name="StartNs">Inclusive lower time bound, or null.</param>
/// <param name="EndNs">Exclusive upper time bound, or null.</param>
/// <param name="Limit">At most this many rows in the answer, or null for all.</param>
public sealed record QueryRequest(Syntax.Query Query, long NowNs, long? StartNs = null, long? EndNs = null, int? Limit = null);
