namespace Vigie.Agent.Host;

/// <summary>Caps the thread pool of the agent process.</summary>
/// <remarks>
/// The agent's work is asynchronous and short (read a log chunk, append lines, write a batch): a few
/// threads per core keep the cores busy. Left alone, the pool adds threads whenever its queue waits
/// for half a second, which a loaded machine causes without any blocking, and every thread adds its
/// stack and the arrays pooled per thread: catching up a backlog of 50 containers, the agent went
/// from 11 to 21 threads and from 45 to 69 MB (docs/performance/agent.md).
/// </remarks>
internal static class ThreadLimits
{
    public static int MaxWorkers => Math.Max(2 * Environment.ProcessorCount, 6);

    public static void Apply()
    {
        ThreadPool.GetMaxThreads(out _, out var completion);
        ThreadPool.SetMaxThreads(MaxWorkers, completion);
    }
}
