using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>The dashboards a new data directory starts with.</summary>
public static class DefaultDashboards
{
    /// <summary>
    /// A Docker host: container logs usually carry the service (compose service or container name)
    /// in <c>service</c>, a level in <c>level</c> and, for web servers, an HTTP <c>status</c>.
    /// </summary>
    public static readonly Dashboard DockerHost = new("docker-host", "Docker host",
    [
        new Panel("Events by service", "* | stats count() by (_time:5m, service)", PanelKind.TimeSeries, 12),
        new Panel("Errors by service", "(level:error OR level:err OR level:fatal OR level:critical) | top 10 by (service)", PanelKind.Bars, 6),
        new Panel("Top error messages", "(level:error OR level:err OR level:fatal OR level:critical) | top 10 by (_msg)", PanelKind.Table, 6),
        new Panel("HTTP status classes", "status:* | stats count() by (_time:5m, status)", PanelKind.TimeSeries, 8) { Series = SeriesGrouping.HttpStatusClass },
        new Panel("Server errors (5xx)", "status:[500 TO 599] | stats count()", PanelKind.Number, 4),
    ]);

    public static readonly IReadOnlyList<Dashboard> All = [DockerHost];
}
