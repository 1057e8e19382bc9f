using System.Globalization;
using System.Net;
using System.Text.Json;
using Vigie.Cli.Arguments;
using Vigie.Cli.Query;
using Vigie.Core;

namespace Vigie.Cli.Commands;

/// <summary><c>vigie query</c>: runs a query on a server and prints the rows.</summary>
public static class QueryCommand
{
    public static readonly CommandSpec Spec = new("query", """
        usage: vigie query [--server URL] [--start T] [--end T] [--limit N] [--format F] 'QUERY'

        Runs QUERY on a running server and prints the results.

        flags:
          --server URL   the server (VIGIE_SERVER, default http://127.0.0.1:9880)
          --start T      only events at or after T: RFC 3339, a date (2026-11-25), an epoch,
                         now, or an age before now like -15m, -1h, -7d
          --end T        only events before T (same forms)
          --limit N      at most N rows
          --format F     table: aligned columns; _msg last, cut to the terminal's width
                         json: one JSON array
                         ndjson: one JSON object per line, as the server sends them
                         (default: table when stdout is a terminal, ndjson otherwise)

        A query that starts with a dash must follow '--'.

        """, ["server", "start", "end", "limit", "format"], [], 1);

    public static async Task<int> RunAsync(ParsedArgs args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        if (args.Positionals.Count == 0 || string.IsNullOrWhiteSpace(args.Positionals[0]))
        {
            throw new UsageException("missing the query, e.g. vigie query '_time:5m error'");
        }
        var query = args.Positionals[0];
        var server = ServerConnection.Resolve(args, console.Environment);
        var format = args.Get("format") ?? (console.OutIsTerminal ? "table" : "ndjson");
        if (format is not ("table" or "json" or "ndjson"))
        {
            throw new UsageException($"invalid --format '{format}': expected table, json or ndjson");
        }
        var path = BuildPath(query, args.Get("start"), args.Get("end"), args.Get("limit"), Timestamps.Now());

        using var client = ServerConnection.CreateClient(server, Timeout.InfiniteTimeSpan);
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            await console.Error.WriteLineAsync(ServerConnection.Unreachable(server, e)).ConfigureAwait(false);
            return CliApp.Failed;
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                await console.Error.WriteAsync(DescribeFailure(query, response.StatusCode, body)).ConfigureAwait(false);
                return CliApp.Failed;
            }
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            await WriteResultsAsync(reader, format, console, cancellationToken).ConfigureAwait(false);
        }
        return CliApp.Ok;
    }

    /// <summary>
    /// Relative bounds (<c>-1h</c>) are turned into absolute RFC 3339 times here, so that they mean
    /// "before now" on this machine's clock and a typo is reported before anything is sent.
    /// </summary>
    public static string BuildPath(string query, string? start, string? end, string? limit, long nowNs)
    {
        var parts = new List<string> { "q=" + Uri.EscapeDataString(query) };
        if (start is not null)
        {
            parts.Add("start=" + Uri.EscapeDataString(Time("start", start, nowNs)));
        }
        if (end is not null)
        {
            parts.Add("end=" + Uri.EscapeDataString(Time("end", end, nowNs)));
        }
        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            {
                throw new UsageException($"invalid --limit '{limit}': expected a positive whole number");
            }
            parts.Add("limit=" + n.ToString(CultureInfo.InvariantCulture));
        }
        return "/api/v1/query?" + string.Join('&', parts);
    }

    private static string Time(string flag, string text, long nowNs) =>
        Timestamps.TryParseQueryTime(text, nowNs, out var ns)
            ? Timestamps.FormatRfc3339(ns)
            : throw new UsageException($"invalid --{flag} '{text}': expected RFC 3339, a date, an epoch, now, or an age like -1h");

    public static string DescribeFailure(string query, HttpStatusCode status, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        string? message = null;
        int? line = null, column = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = doc.RootElement;
                message = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                line = root.TryGetProperty("line", out var l) && l.TryGetInt32(out var li) ? li : null;
                column = root.TryGetProperty("column", out var c) && c.TryGetInt32(out var ci) ? ci : null;
            }
        }
        catch (JsonException)
        {
            message = null;
        }
        if (status == HttpStatusCode.BadRequest && message is not null)
        {
            return QueryErrorFormatter.Format(query, message, line, column);
        }
        var detail = message ?? body.Trim();
        return $"vigie query: the server answered {(int)status} {status}{(detail.Length > 0 ? ": " + detail : "")}\n";
    }

    public static async Task WriteResultsAsync(TextReader reader, string format, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(console);
        var output = console.Out;
        var rows = new List<IReadOnlyList<KeyValuePair<string, TableCell>>>();
        var first = true;
        if (format == "json")
        {
            await output.WriteAsync('[').ConfigureAwait(false);
        }
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            switch (format)
            {
                case "ndjson":
                    await output.WriteAsync(line + "\n").ConfigureAwait(false);
                    break;
                case "json":
                    await output.WriteAsync((first ? "\n" : ",\n") + line).ConfigureAwait(false);
                    break;
                default:
                    rows.Add(TableFormatter.ParseRow(line));
                    break;
            }
            first = false;
        }
        if (format == "json")
        {
            await output.WriteAsync(first ? "]\n" : "\n]\n").ConfigureAwait(false);
        }
        else if (format == "table")
        {
            if (rows.Count == 0 && console.ErrorIsTerminal)
            {
                await console.Error.WriteLineAsync("no results").ConfigureAwait(false);
            }
            await output.WriteAsync(TableFormatter.Format(rows, console.OutIsTerminal ? console.Width : null)).ConfigureAwait(false);
        }
    }
}
