namespace Vigie.Agent.Tests.Support;

/// <summary>
/// Passes requests to the real network, but fails the first ones before they leave (as a refused
/// connection would) or loses answers after the server handled them (as a cut connection would),
/// and records each request's idempotency key.
/// </summary>
internal sealed class FlakyHandler(int failFirst, int loseAnswers = 0) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly List<(string Key, string? ContentEncoding)> _requests = [];
    private int _failures = failFirst;
    private int _losses = loseAnswers;

    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests.Select(r => r.Key)];
            }
        }
    }

    public IReadOnlyList<(string Key, string? ContentEncoding)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add((request.Headers.GetValues("Idempotency-Key").Single(), request.Content?.Headers.ContentEncoding.SingleOrDefault()));
        }
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new HttpRequestException("connection refused (simulated)");
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (Interlocked.Decrement(ref _losses) >= 0)
        {
            response.Dispose();
            throw new HttpRequestException("connection reset after the request (simulated)");
        }
        return response;
    }
}
