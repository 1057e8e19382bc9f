using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>
/// One search's rows being read: the first screenful as soon as it is known, then all of them (see
/// <see cref="LogSearch.Search"/>). Started by the view model, or ahead of it by <see cref="RowsPrefetch"/>.
/// </summary>
public sealed class RowsFetch
{
    private readonly TaskCompletionSource<SearchOutcome> _firstPage = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RowsFetch(IDiscoverSearch search, string query, TimeRange range, CancellationToken cancellationToken)
    {
        All = Task.Run(() => search.Search(query, range, LogSearch.DefaultLimit, cancellationToken, page => _firstPage.TrySetResult(page)), cancellationToken);
    }

    /// <summary>The first screenful (a partial outcome); never completes when all rows come at once.</summary>
    public Task<SearchOutcome> FirstPage => _firstPage.Task;

    public Task<SearchOutcome> All { get; }

    public static RowsFetch Start(IDiscoverSearch search, string query, TimeRange range, CancellationToken cancellationToken) =>
        new(search, query, range, cancellationToken);
}
