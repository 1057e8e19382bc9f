namespace Vigie.Ingestion.Protocols;

/// <summary>
/// What a protocol decoder made of one request: events accepted into the batch, items rejected, and
/// the first reasons (which item, why), for the answer and the rate-limited log.
/// </summary>
public sealed class DecodeReport
{
    /// <summary>How many reasons are kept; past it only <see cref="Rejected"/> grows.</summary>
    public const int MaxErrors = 100;

    private readonly List<string> _errors = [];

    public int Accepted { get; private set; }

    public int Rejected { get; private set; }

    public IReadOnlyList<string> Errors => _errors;

    public void Accept(int count = 1) => Accepted += count;

    public void Reject(string reason, int count = 1)
    {
        Rejected += count;
        if (_errors.Count < MaxErrors)
        {
            _errors.Add(reason);
        }
    }

    /// <summary>The first reason, for a one-line summary; null when nothing was rejected.</summary>
    public string? FirstError => _errors.Count > 0 ? _errors[0] : null;
}
