using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Vigie.Agent.Delivery;

/// <summary>
/// Sends the buffer's records to the server in order, one at a time, and acknowledges each one once
/// the server answered 2xx (the server answers only when the lines are durable on its side).
/// </summary>
/// <remarks>
/// <para>Every request carries <c>Idempotency-Key: &lt;agent id&gt;-&lt;sequence number&gt;</c>: a batch
/// sent again (the answer was lost, the agent crashed before saving the acknowledgement) is stored
/// once by the server.</para>
/// <para>Answers: 2xx acknowledges (lines the server refused as malformed are counted and logged);
/// 400, 413, 415 and 422 mean the batch itself can never be taken: logged, counted as rejected, done;
/// 401/403 are retried every <see cref="ShipperOptions.AuthRetry"/> (a key to fix, nothing dropped);
/// 429/503 wait for <c>Retry-After</c>; anything else (network errors, 5xx, 404 from a proxy) is retried
/// with exponential backoff and full jitter up to <see cref="ShipperOptions.BackoffCap"/>.</para>
/// </remarks>
public sealed class Shipper : IDisposable
{
    private readonly DiskBuffer _buffer;
    private readonly ShipperOptions _options;
    private readonly DeliveryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private bool _failing;

    public Shipper(DiskBuffer buffer, ShipperOptions options, DeliveryMetrics metrics, ILogger logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _buffer = buffer;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _client = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            Timeout = options.RequestTimeout,
        };
    }

    /// <summary>Ships until cancelled; never gives up on a batch except as described above.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            RecordRef record;
            try
            {
                record = await _buffer.NextUnackedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (record.Lines == 0)
            {
                // Only positions (a forgotten source): nothing to send.
                _buffer.Acknowledge(record.Seq);
                continue;
            }
            TimeSpan? wait;
            using (var body = _buffer.ReadBody(record))
            {
                if (body is null)
                {
                    continue;
                }
                try
                {
                    wait = await SendAsync(record, body, attempt, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
            if (wait is null)
            {
                attempt = 0;
                continue;
            }
            attempt++;
            Interlocked.Increment(ref _metrics.Retries);
            try
            {
                await Task.Delay(wait.Value, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends one record; null when it is done with, else how long to wait before trying again.</summary>
    private async Task<TimeSpan?> SendAsync(RecordRef record, RecordBody body, int attempt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.IngestUri);
        request.Content = new ByteArrayContent(body.Array, body.BodyOffset, body.BodyLength);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Add("Idempotency-Key", IdempotencyKey(record.Seq));
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var backoff = Backoff(attempt);
            Failing($"cannot reach {_options.Server} ({e.Message})", record.Seq, backoff);
            return backoff;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                Done(record, IngestAnswer.Parse(text));
                return null;
            }
            var answer = IngestAnswer.Parse(text);
            var reason = answer.Errors.Count > 0 ? string.Join("; ", answer.Errors) : response.ReasonPhrase ?? "";
            switch (response.StatusCode)
            {
                case HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.UnprocessableEntity:
                    Interlocked.Add(ref _metrics.RejectedLines, record.Lines);
                    _logger.LogError("delivery: the server refused batch {Seq} ({Lines} lines) with {Status}: {Reason}; the batch is dropped", record.Seq, record.Lines, status, reason);
                    _buffer.Acknowledge(record.Seq);
                    return null;
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    _logger.LogError("delivery: the server refused the API key ({Status} {Reason}); check --api-key / VIGIE_API_KEY. Batch {Seq} waits, next try in {Delay:0} s",
                        status, reason, record.Seq, _options.AuthRetry.TotalSeconds);
                    _failing = true;
                    return _options.AuthRetry;
                case HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests:
                    var wait = RetryAfter(response) ?? Backoff(attempt);
                    Failing($"{_options.Server} is busy or its disk is full ({status} {reason})", record.Seq, wait);
                    return wait;
                default:
                    var backoff = Backoff(attempt);
                    Failing($"{_options.Server} answered {status} ({reason})", record.Seq, backoff);
                    return backoff;
            }
        }
    }

    private void Done(RecordRef record, IngestAnswer answer)
    {
        if (answer.Duplicate)
        {
            Interlocked.Increment(ref _metrics.DuplicateBatches);
        }
        if (answer.Rejected > 0)
        {
            Interlocked.Add(ref _metrics.RejectedLines, answer.Rejected);
            _logger.LogWarning("delivery: the server refused {Rejected} of the {Lines} lines of batch {Seq}: {Errors}", answer.Rejected, record.Lines, record.Seq, string.Join("; ", answer.Errors));
        }
        Interlocked.Increment(ref _metrics.BatchesSent);
        Interlocked.Add(ref _metrics.LinesSent, record.Lines);
        Interlocked.Exchange(ref _metrics.LastSendUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _buffer.Acknowledge(record.Seq);
        if (_failing)
        {
            _failing = false;
            _logger.LogInformation("delivery: sending to {Server} again", _options.Server);
        }
    }

    /// <summary>Logs the first failure of a series as a warning, the next ones quietly.</summary>
    private void Failing(string problem, long seq, TimeSpan delay)
    {
        var level = _failing ? LogLevel.Debug : LogLevel.Warning;
        _failing = true;
        _logger.Log(level, "delivery: {Problem}; batch {Seq} waits, next try in {Delay:0.0} s", problem, seq, delay.TotalSeconds);
    }

    public string IdempotencyKey(long seq) => _options.AgentId + "-" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Full jitter: uniform in [0, min(cap, base·2^attempt)], so that many agents coming back do not retry in step.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.BackoffCap.TotalMilliseconds, _options.BackoffBase.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is not { } w)
        {
            return null;
        }
        // Never longer than a few caps: a wrong header must not park the agent for hours.
        return TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, _options.BackoffCap.Ticks * 4));
    }

    public void Dispose() => _client.Dispose();
}
