using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>The rows of one search, or why there are none.</summary>
/// <param name="Rows">At most the limit asked for, newest first for events.</param>
/// <param name="IsEvents">True when the rows are events (no pipe reshaped them), false for result rows (stats, top...).</param>
/// <param name="Columns">For result rows: the column names in order.</param>
/// <param name="Error">The parse error or failure message, or null.</param>
/// <param name="ErrorPosition">0-based offset of a parse error in the query text, or null.</param>
/// <param name="Elapsed">How long the rows took.</param>
public sealed record SearchOutcome(IReadOnlyList<DisplayRow> Rows, bool IsEvents, IReadOnlyList<string> Columns, string? Error, int? ErrorPosition, TimeSpan Elapsed)
{
    public static SearchOutcome Failed(string error, int? position = null) => new([], true, [], error, position, TimeSpan.Zero);

    public bool LimitReached { get; init; }

    /// <summary>The first screenful of a search whose remaining rows are still being read.</summary>
    public bool Partial { get; init; }
}
