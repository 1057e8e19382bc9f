namespace Vigie.Agent.Tests.Support;

/// <summary>Answers the shipper's requests from a script, one answer per request, and records them.</summary>
internal sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private readonly List<(string Key, string? Authorization, DateTime At)> _calls = [];

    public IReadOnlyList<(string Key, string? Authorization, DateTime At)> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int index;
        lock (_calls)
        {
            _calls.Add((request.Headers.GetValues("Idempotency-Key").Single(), request.Headers.Authorization?.ToString(), DateTime.UtcNow));
            index = _calls.Count - 1;
        }
        if (index >= answers.Length)
        {
            throw new InvalidOperationException($"request {index + 1} was not expected: the script has {answers.Length}");
        }
        return Task.FromResult(answers[index](request));
    }
}
