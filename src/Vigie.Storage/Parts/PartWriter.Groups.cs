using System.Runtime.ExceptionServices;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

public static partial class PartWriter
{
    /// <summary>
    /// Writes a part whose blocks come in <paramref name="groupCount"/> groups that can be built apart (a
    /// flush: one group per stream), in group order: every core builds and encodes whole groups, and
    /// the calling thread writes them in order, building groups itself while the next one to write is
    /// not ready. The file is the same as <see cref="Write(string, IEnumerable{ColumnarBlock}, PartWriteOptions?)"/>
    /// would write for the same blocks.
    /// </summary>
    /// <param name="newBuilder">Makes one builder per building thread.</param>
    /// <param name="blocksOf">The blocks of a group, built with the thread's builder; they may lend its
    /// arrays (<see cref="ColumnarBlockBuilder"/>), which are given back as soon as a block is encoded.</param>
    internal static PartSummary WriteGroups<TBuilder>(
        string path, int groupCount, Func<TBuilder> newBuilder, Func<TBuilder, int, IEnumerable<ColumnarBlock>> blocksOf, PartWriteOptions? options = null)
    {
        options ??= PartWriteOptions.Default;
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileBufferSize);
        try
        {
            PartSummary summary;
            using (file)
            {
                summary = WriteEncoded(file, EncodeGroups(groupCount, newBuilder, blocksOf, options.CompressionLevel), options);
                file.Flush(flushToDisk: options.Sync);
            }
            return summary;
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// The encoded blocks of every group, in group order. Groups are claimed in order by the calling
    /// thread and by one helper thread per further core. The calling thread never waits while a group
    /// is left to claim: a helper that the machine's other work delays holds up only its own group,
    /// not the others (a window of blocks shared out with <c>Parallel.For</c> would wait for it).
    /// </summary>
    private static IEnumerable<EncodedBlock> EncodeGroups<TBuilder>(
        int groupCount, Func<TBuilder> newBuilder, Func<TBuilder, int, IEnumerable<ColumnarBlock>> blocksOf, int level)
    {
        var schedule = new GroupSchedule(groupCount);
        var helpers = new Thread[groupCount < 2 ? 0 : Math.Min(Environment.ProcessorCount - 1, groupCount - 1)];
        for (var i = 0; i < helpers.Length; i++)
        {
            helpers[i] = new Thread(() => schedule.RunHelper(() => new GroupWorker<TBuilder>(newBuilder(), blocksOf, level)))
            {
                IsBackground = true,
                Name = "vigie part writer",
            };
            helpers[i].Start();
        }
        GroupWorker<TBuilder>? own = null;
        try
        {
            for (var g = 0; g < groupCount; g++)
            {
                List<EncodedBlock>? done;
                while (!schedule.TryTake(g, out done))
                {
                    if (schedule.TryClaim(out var claimed))
                    {
                        own ??= new GroupWorker<TBuilder>(newBuilder(), blocksOf, level);
                        schedule.Complete(claimed, own.Run(claimed));
                    }
                    else
                    {
                        schedule.WaitForProgress(g);
                    }
                }
                foreach (var block in done!)
                {
                    yield return block;
                }
            }
        }
        finally
        {
            // Whether done or failed, no helper may still use the builders' arrays or the encoders.
            schedule.Stop();
            foreach (var helper in helpers)
            {
                helper.Join();
            }
            own?.Dispose();
        }
    }

    /// <summary>Which groups are claimed and which are encoded; shared by the writing thread and its helpers.</summary>
    private sealed class GroupSchedule(int groupCount)
    {
        private readonly object _gate = new();
        private readonly List<EncodedBlock>?[] _done = new List<EncodedBlock>?[groupCount];
        private int _nextClaim;
        private bool _stopped;
        private ExceptionDispatchInfo? _failure;

        public bool TryClaim(out int group)
        {
            lock (_gate)
            {
                if (_stopped || _nextClaim >= _done.Length)
                {
                    group = -1;
                    return false;
                }
                group = _nextClaim++;
                return true;
            }
        }

        public void Complete(int group, List<EncodedBlock> blocks)
        {
            lock (_gate)
            {
                _done[group] = blocks;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>The encoded blocks of <paramref name="group"/> once ready; rethrows a helper's failure.</summary>
        public bool TryTake(int group, out List<EncodedBlock>? blocks)
        {
            lock (_gate)
            {
                _failure?.Throw();
                blocks = _done[group];
                _done[group] = null;
                return blocks is not null;
            }
        }

        public void WaitForProgress(int group)
        {
            lock (_gate)
            {
                while (_done[group] is null && _failure is null)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
            }
        }

        /// <summary>A helper thread: claims and encodes groups until none is left or the write stops.</summary>
        public void RunHelper(Func<IGroupWorker> newWorker)
        {
            IGroupWorker? worker = null;
            try
            {
                while (TryClaim(out var group))
                {
                    worker ??= newWorker();
                    Complete(group, worker.Run(group));
                }
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _failure ??= ExceptionDispatchInfo.Capture(e);
                    _stopped = true;
                    Monitor.PulseAll(_gate);
                }
            }
            finally
            {
                worker?.Dispose();
            }
        }
    }

    private interface IGroupWorker : IDisposable
    {
        List<EncodedBlock> Run(int group);
    }

    /// <summary>
    /// One thread's builder and encoder. A group's blocks are encoded one after the other into the
    /// thread's own buffer, then copied out together into an array of the group's exact size: groups
    /// ready ahead of the one being written hold only their stored bytes (a part's worth at most),
    /// and no buffer grows anew for each group.
    /// </summary>
    private sealed class GroupWorker<TBuilder>(TBuilder builder, Func<TBuilder, int, IEnumerable<ColumnarBlock>> blocksOf, int level) : IGroupWorker
    {
        private readonly ColumnEncoder _encoder = new(level);
        private readonly List<int> _starts = [];

        public List<EncodedBlock> Run(int group)
        {
            var stored = _encoder.Stored;
            stored.Clear();
            _starts.Clear();
            var blocks = new List<EncodedBlock>();
            var index = 0;
            foreach (var block in blocksOf(builder, group))
            {
                Validate(block, index++);
                _starts.Add(stored.Length);
                blocks.Add(EncodeBuilt(block, _encoder, stored));
                // Encoded, the block's arrays go back to the builders for the next blocks.
                block.ReturnLentBuffers();
            }
            var bytes = stored.Span.ToArray();
            for (var i = 0; i < blocks.Count; i++)
            {
                var end = i + 1 < blocks.Count ? _starts[i + 1] : bytes.Length;
                blocks[i] = blocks[i] with { Stored = bytes.AsMemory(_starts[i]..end), Built = null };
            }
            return blocks;
        }

        public void Dispose() => _encoder.Dispose();
    }
}
