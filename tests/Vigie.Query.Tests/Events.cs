using System.Globalization;
using Vigie.Core;
using Vigie.Query.Reference;
using Vigie.Query.Rows;

namespace Vigie.Query.Tests;

/// <summary>Crafted events: strings become string fields, numbers number fields.</summary>
internal static class Events
{
    public static readonly long Now = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    public static LogEvent At(long timeNs, params (string Name, object Value)[] fields) =>
        new(timeNs, StreamKey.Empty, [.. fields.Select(f => new KeyValuePair<string, FieldValue>(f.Name, f.Value switch
        {
            string s => FieldValue.Str(s),
            bool b => new FieldValue(ValueKind.Bool, b ? "true" : "false"),
            IFormattable n => FieldValue.Num(n.ToString(null, CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException("unsupported value"),
        }))]);

    /// <summary>An event <paramref name="secondsAgo"/> before <see cref="Now"/>.</summary>
    public static LogEvent Ago(int secondsAgo, params (string Name, object Value)[] fields) => At(Now - secondsAgo * Timestamps.NanosPerSecond, fields);

    public static LogEvent Msg(string message) => Ago(1, ("_msg", message));

    public static IReadOnlyList<ResultRow> Run(string query, IEnumerable<LogEvent> events, long? start = null, long? end = null) =>
        ReferenceEvaluator.Evaluate(ParsedQuery.Parse(query), events, Now, start, end);

    public static bool Matches(string query, LogEvent e) => Run(query, [e]).Count == 1;

    public static string Text(this ResultRow row, string name) => row.Get(name)?.Text ?? "<missing>";
}
