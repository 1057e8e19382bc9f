namespace Vigie.Agent.Delivery;

/// <summary>Where and how the shipper sends batches.</summary>
public sealed record ShipperOptions
{
    /// <summary>The server's base address, e.g. <c>http://vigie.example:9880</c>.</summary>
    public required Uri Server { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>This agent's stable id: idempotency keys are <c>&lt;agent id&gt;-&lt;sequence number&gt;</c>.</summary>
    public required string AgentId { get; init; }

    /// <summary>The first retry waits up to this long; each next one up to twice as long ...</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>... but never more than this.</summary>
    public TimeSpan BackoffCap { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a refused API key (401/403) is tried again: it is a setting to fix, not a load to shed.</summary>
    public TimeSpan AuthRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A request taking longer than this is abandoned and retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The URL batches go to: the native ingest API with the agent's stream fields.</summary>
    public Uri IngestUri => new(Server.ToString().TrimEnd('/') + "/api/v1/ingest?stream=" + Collection.AgentStreamFields.QueryValue);
}
