using Vigie.Query.Engine;
using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>What the Discover page asks of the store: <see cref="LogSearch"/> in the server, a scripted stand-in in view-model tests.</summary>
public interface IDiscoverSearch
{
    /// <summary>
    /// The newest rows of the query over the range, at most <paramref name="limit"/>; when they are
    /// events, the first screenful goes to <paramref name="firstPage"/> as soon as it is known.
    /// </summary>
    SearchOutcome Search(string? text, TimeRange range, int limit, CancellationToken cancellationToken, Action<SearchOutcome>? firstPage);

    /// <summary>Event counts of the query's filter over the range, per bucket and level class.</summary>
    HistogramData Histogram(string? text, TimeRange range, CancellationToken cancellationToken);

    /// <summary>The field summary of the newest <paramref name="sampleSize"/> events the query's filter matches.</summary>
    (long Events, IReadOnlyList<FieldSummary> Fields) SampleFields(string? text, TimeRange range, int sampleSize, int topValues, CancellationToken cancellationToken);
}
