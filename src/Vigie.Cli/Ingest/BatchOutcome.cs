namespace Vigie.Cli.Ingest;

/// <summary>What the server made of one batch.</summary>
/// <param name="Accepted">Events stored.</param>
/// <param name="Rejected">Lines the server refused.</param>
/// <param name="Errors">The server's reasons, by line of the batch (1-based).</param>
/// <param name="Failure">Why the whole batch failed (then nothing of it is known to be stored); null on an answer.</param>
/// <param name="Unreachable">The failure is that the server could not be reached at all.</param>
public sealed record BatchOutcome(long Accepted, long Rejected, IReadOnlyList<(long Line, string Error)> Errors, string? Failure, bool Unreachable = false)
{
    public static BatchOutcome Failed(string why, bool unreachable = false) => new(0, 0, [], why, unreachable);
}
