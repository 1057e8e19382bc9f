namespace Vigie.Server.Endpoints;

/// <summary>The <c>Idempotency-Key</c> request header: which values are accepted.</summary>
internal static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    public const int MaxLength = 200;

    /// <summary>Why <paramref name="key"/> is refused, or null when it is fine.</summary>
    public static string? Problem(string key)
    {
        if (key.Length > MaxLength)
        {
            return $"the {Header} header is {key.Length} characters long; at most {MaxLength} are accepted";
        }
        foreach (var c in key)
        {
            if (c is < '!' or > '~')
            {
                return $"the {Header} header may hold only visible ASCII characters (no spaces), e.g. <sender id>-<batch number>";
            }
        }
        return null;
    }
}
