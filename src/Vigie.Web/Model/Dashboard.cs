namespace Vigie.Web.Model;

/// <summary>A saved dashboard: panels in grid order. Persisted as JSON; add fields, never rename them.</summary>
/// <param name="Id">The file name and the URL segment: lower-case letters, digits and dashes.</param>
public sealed record Dashboard(string Id, string Title, IReadOnlyList<Panel> Panels)
{
    /// <summary>The time range panels start with (a <see cref="TimeRange.From"/> bound, to now).</summary>
    public string From { get; init; } = "-1h";
}

/// <summary>One panel: a query and the way to draw its rows.</summary>
/// <param name="Width">Grid columns out of 12.</param>
public sealed record Panel(string Title, string Query, PanelKind Kind, int Width = 6)
{
    /// <summary>How the series of a time-series panel are merged before drawing.</summary>
    public SeriesGrouping Series { get; init; }
}

/// <summary>Merges series values into classes. Persisted by name.</summary>
public enum SeriesGrouping
{
    None,

    /// <summary><c>404</c> → <c>4xx</c>.</summary>
    HttpStatusClass,

    /// <summary>Level spellings → error, warn, info, debug, other.</summary>
    Level,
}

/// <summary>How a panel draws its rows. Persisted by name.</summary>
public enum PanelKind
{
    /// <summary>Stacked bars over time, from <c>stats ... by (_time:STEP, series)</c>.</summary>
    TimeSeries,

    /// <summary>Horizontal bars: label columns then a count, e.g. from <c>top 10 by (service)</c>.</summary>
    Bars,

    /// <summary>The rows as a table.</summary>
    Table,

    /// <summary>The last column of the first row, large.</summary>
    Number,
}
