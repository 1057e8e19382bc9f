namespace Vigie.Cli.Ingest;

/// <summary>
/// Where each line of a batch came from, so that the server's line numbers (1-based, within the
/// batch) can be told back as the user's own file and line. Lines come in runs from one file, so a
/// batch holds a run or two, not an entry per line.
/// </summary>
public sealed class LineMap
{
    private readonly List<Run> _runs = [];

    /// <summary>Lines in the batch so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Records that the next line of the batch is line <paramref name="fileLine"/> of file <paramref name="file"/>.</summary>
    public void Add(int file, long fileLine)
    {
        Lines++;
        if (_runs.Count > 0)
        {
            var last = _runs[^1];
            if (last.File == file && last.FileLine + (Lines - last.BatchLine) == fileLine)
            {
                return;
            }
        }
        _runs.Add(new Run(Lines, file, fileLine));
    }

    /// <summary>The file (its index in the command line) and line the batch's line came from.</summary>
    public (int File, long Line) Resolve(long batchLine)
    {
        if (_runs.Count == 0 || batchLine < 1 || batchLine > Lines)
        {
            throw new ArgumentOutOfRangeException(nameof(batchLine), batchLine, $"the batch has {Lines} lines");
        }
        int low = 0, high = _runs.Count - 1;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (_runs[mid].BatchLine <= batchLine)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        var run = _runs[low];
        return (run.File, run.FileLine + (batchLine - run.BatchLine));
    }

    private readonly record struct Run(long BatchLine, int File, long FileLine);
}
