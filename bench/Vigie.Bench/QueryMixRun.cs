namespace Vigie.Bench;

/// <summary>Runs the query mix against one server, the same way for every system: peak RSS and server CPU around it.</summary>
internal static class QueryMixRun
{
    public static async Task RunAsync(SystemResult result, int pid, Func<QuerySpec, Task<QueryResult>> runQuery)
    {
        var cpu = Probe.CpuSeconds(pid);
        using (var sampler = new RssSampler(pid))
        {
            foreach (var spec in QuerySpec.Mix)
            {
                result.Queries.Add(await runQuery(spec).ConfigureAwait(false));
            }
            result.PeakRssQueriesBytes = sampler.Peak;
        }
        result.CpuSecondsQueries = Probe.CpuSeconds(pid) - cpu;
    }
}
