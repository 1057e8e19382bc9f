using System.Globalization;
using System.Text;

namespace Vigie.Cli.Ingest;

/// <summary>What all batches came to, with each error told as the user's file and line.</summary>
public sealed class IngestTotals(IReadOnlyList<string> files)
{
    private const int ErrorsKept = 1000;
    private const int ErrorsShown = 10;

    private readonly object _gate = new();
    private readonly List<(int File, long Line, string Error)> _errors = [];

    public long Accepted { get; private set; }

    public long Rejected { get; private set; }

    public int FailedBatches { get; private set; }

    public long FailedLines { get; private set; }

    /// <summary>Set when the server could not be reached: the one line to print.</summary>
    public string? Unreachable { get; private set; }

    public bool Succeeded => Rejected == 0 && FailedBatches == 0 && Unreachable is null;

    public void Record(PendingBatch batch, BatchOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(outcome);
        lock (_gate)
        {
            Accepted += outcome.Accepted;
            Rejected += outcome.Rejected;
            if (outcome.Failure is not null)
            {
                if (outcome.Unreachable)
                {
                    Unreachable ??= outcome.Failure;
                }
                FailedBatches++;
                FailedLines += batch.Map.Lines;
                var (file, line) = batch.Map.Resolve(1);
                Keep(file, line, $"batch of {batch.Map.Lines} lines not stored: {outcome.Failure}");
                return;
            }
            foreach (var (batchLine, error) in outcome.Errors)
            {
                if (batchLine >= 1 && batchLine <= batch.Map.Lines)
                {
                    var (file, line) = batch.Map.Resolve(batchLine);
                    Keep(file, line, error);
                }
                else
                {
                    Keep(-1, batchLine, error);
                }
            }
        }
    }

    private void Keep(int file, long line, string error)
    {
        if (_errors.Count < ErrorsKept)
        {
            _errors.Add((file, line, error));
        }
    }

    /// <summary>The errors in file and line order, as <c>app.log:17: reason</c>.</summary>
    public IReadOnlyList<string> Errors()
    {
        lock (_gate)
        {
            return [.. _errors.OrderBy(e => e.File).ThenBy(e => e.Line).Select(e => $"{Name(e.File)}:{e.Line}: {e.Error}")];
        }
    }

    /// <summary><c>ingested N events (M rejected) from F in 3.2 s, 310k events/s</c>, then the first errors.</summary>
    public string Summary(TimeSpan elapsed)
    {
        var text = new StringBuilder();
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var from = files.Count == 1 ? Name(0) : $"{files.Count} files";
        text.Append(CultureInfo.InvariantCulture, $"ingested {Accepted} events ({Rejected} rejected) from {from} in {elapsed.TotalSeconds:0.0} s, {IngestProgress.Short(Accepted / seconds)} events/s\n");
        if (FailedBatches > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{FailedBatches} batches ({FailedLines} lines) could not be stored\n");
        }
        var errors = Errors();
        if (errors.Count > 0)
        {
            text.Append("first errors:\n");
            foreach (var error in errors.Take(ErrorsShown))
            {
                text.Append("  ").Append(error).Append('\n');
            }
            var more = Rejected + FailedBatches - Math.Min(errors.Count, ErrorsShown);
            if (more > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"  ... and {more} more\n");
            }
        }
        return text.ToString();
    }

    private string Name(int file) => file < 0 ? "?" : files[file] == "-" ? "stdin" : files[file];
}
