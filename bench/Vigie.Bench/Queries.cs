using System.Globalization;
using System.Text.Json;

namespace Vigie.Bench;

/// <summary>One query of the mix, as each system spells it, with the answer the generator expects.</summary>
internal sealed record QuerySpec(string Name, string Vigie, string ClickHouse, Func<CorpusFacts, SortedDictionary<string, double>> Expected, bool Approximate = false)
{
    public static IReadOnlyList<QuerySpec> Mix { get; } =
    [
        new("rare word", $"{Corpus.RareWord} | stats count()",
            $"SELECT count() FROM logs WHERE positionCaseInsensitive(msg, '{Corpus.RareWord}') > 0",
            f => Single(f.RareCount)),
        new("common word", $"{Corpus.CommonWord} | stats count()",
            $"SELECT count() FROM logs WHERE positionCaseInsensitive(msg, '{Corpus.CommonWord}') > 0",
            f => Single(f.CommonCount)),
        new("phrase", $"\"{Corpus.Phrase}\" | stats count()",
            $"SELECT count() FROM logs WHERE positionCaseInsensitive(msg, '{Corpus.Phrase}') > 0",
            f => Single(f.PhraseCount)),
        new("filter + stats by host", "service:nginx status:>=500 | stats count() by (host)",
            "SELECT host, count() FROM logs WHERE service = 'nginx' AND status >= 500 GROUP BY host",
            f => Map(f.Nginx5xxByHost)),
        new("stats by service (all)", "* | stats count() by (service)",
            "SELECT service, count() FROM logs GROUP BY service",
            f => Map(f.ByService)),
        new("hourly histogram", "* | stats count() by (_time:1h)",
            "SELECT toUnixTimestamp(toStartOfHour(time)) AS h, count() FROM logs GROUP BY h",
            f => new SortedDictionary<string, double>(f.ByHour.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => (double)kv.Value), StringComparer.Ordinal)),
        new("count_distinct(client_ip)", "* | stats count_distinct(client_ip)",
            "SELECT uniqExactIf(client_ip, client_ip != '') FROM logs",
            f => Single(f.DistinctClientIps)),
        // ClickHouse's quantileExact picks the element at floor(0.99 n), Vigie the nearest rank
        // ceil(0.99 n): they may be neighbours in the sorted order, hence approximate.
        new("p99(duration)", "* | stats p99(duration)",
            "SELECT quantileExactIf(0.99)(duration, duration > 0) FROM logs",
            f => new SortedDictionary<string, double>(StringComparer.Ordinal) { [""] = f.DurationP99 }, Approximate: true),
    ];

    private static SortedDictionary<string, double> Single(long n) => new(StringComparer.Ordinal) { [""] = n };

    private static SortedDictionary<string, double> Map(SortedDictionary<string, long> m) =>
        new(m.ToDictionary(kv => kv.Key, kv => (double)kv.Value), StringComparer.Ordinal);
}

/// <summary>Turns both systems' answers into key → number, keys being the group values joined by '|'.</summary>
internal static class Answers
{
    /// <summary>Each system's last answer per query, to compare the two systems with each other.</summary>
    public static Dictionary<(string System, string Query), SortedDictionary<string, double>> Last { get; } = [];

    public static SortedDictionary<string, double> FromVigie(string ndjson)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var props = doc.RootElement.EnumerateObject().ToList();
            var keys = props.Take(props.Count - 1).Select(p => Key(p.Name, p.Value));
            var value = props[^1].Value;
            result[string.Join('|', keys)] = value.ValueKind == JsonValueKind.Number ? value.GetDouble()
                : double.Parse(value.GetString() ?? "NaN", CultureInfo.InvariantCulture);
        }
        return result;
    }

    private static string Key(string name, JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
        if (name == "_time" && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }
        return text;
    }

    public static SortedDictionary<string, double> FromClickHouse(string tsv)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cols = line.Split('\t');
            result[string.Join('|', cols.Take(cols.Length - 1))] = double.Parse(cols[^1], CultureInfo.InvariantCulture);
        }
        return result;
    }

    /// <summary>Null when they agree, else the first difference.</summary>
    public static string? Compare(SortedDictionary<string, double> expected, SortedDictionary<string, double> actual, bool approximate)
    {
        foreach (var (key, value) in expected)
        {
            if (!actual.TryGetValue(key, out var got))
            {
                return $"missing group '{key}' (expected {Fmt(value)})";
            }
            var ok = approximate ? Math.Abs(got - value) <= Math.Max(1e-9, Math.Abs(value) * 0.01) : got == value;
            if (!ok)
            {
                return $"group '{key}': {Fmt(got)}, expected {Fmt(value)}";
            }
        }
        foreach (var key in actual.Keys)
        {
            if (!expected.ContainsKey(key) && actual[key] != 0)
            {
                return $"unexpected group '{key}' = {Fmt(actual[key])}";
            }
        }
        return null;
    }

    public static string Summary(SortedDictionary<string, double> answer) =>
        answer.Count == 1 && answer.ContainsKey("") ? Fmt(answer[""]) : $"{answer.Count} groups, total {Fmt(answer.Values.Sum())}";

    private static string Fmt(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);
}
