using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// Random events and random queries drawn from one vocabulary, so that filters hit some events and
/// miss others, stats groups have several members, and every filter and pipe kind is exercised.
/// </summary>
internal static class DifferentialData
{
    public static readonly long Now = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    private static readonly string[] Hosts = ["web-1", "web-2", "db-1"];
    private static readonly string[] Services = ["nginx", "api"];
    private static readonly string[] Levels = ["info", "warn", "error", "ERROR"];
    private static readonly string[] Messages =
    [
        "GET /api/users 200", "connection refused to 10.0.0.5", "user_id=42 login ok", "Straße gesperrt",
        "timeout after 30s", "POST /login 500 in 12ms", "disk almost full", "Connection Refused (retrying)",
        "error: no route", "login failed for bob", "",
    ];
    private static readonly string[] Regions = ["eu", "us", "7", "ap-south"];
    private static readonly string[] Ips = ["10.0.0.5", "10.1.2.3", "192.168.1.7", "2001:db8::1", "fe80::2", "not-an-ip"];

    public sealed record Dataset(IReadOnlyList<LogEvent> Events, int Parts, bool Merge);

    public static Gen<Dataset> Datasets =>
        from count in Gen.Choose(0, 120)
        from seeds in Gen.Choose(0, int.MaxValue).ArrayOf(count)
        from parts in Gen.Choose(1, 4)
        from merge in Gen.Elements(true, false)
        select new Dataset([.. seeds.Select((s, i) => MakeEvent(new Random(s), i))], parts, merge);

    private static LogEvent MakeEvent(Random r, int index)
    {
        // up to three days back, so events span several day partitions; the index keeps times distinct
        var time = Now - (long)(r.NextDouble() * 3 * 86_400) * Timestamps.NanosPerSecond - index * 1_000L;
        var host = Hosts[r.Next(Hosts.Length)];
        var service = Services[r.Next(Services.Length)];
        var fields = new List<KeyValuePair<string, FieldValue>>
        {
            new("host", FieldValue.Str(host)),
            new("service", FieldValue.Str(service)),
        };
        if (r.Next(5) > 0)
        {
            fields.Add(new("level", FieldValue.Str(Levels[r.Next(Levels.Length)])));
        }
        fields.Add(new("_msg", FieldValue.Str(Messages[r.Next(Messages.Length)] + (r.Next(3) == 0 ? " id=" + r.Next(1000) : ""))));
        switch (r.Next(5))
        {
            case 0: fields.Add(new("status", FieldValue.Num("500"))); break;
            case 1: fields.Add(new("status", FieldValue.Str("500"))); break;
            case 2: fields.Add(new("status", FieldValue.Num("200"))); break;
            case 3: fields.Add(new("status", FieldValue.Num("503.0"))); break;
        }
        if (r.Next(4) > 0)
        {
            fields.Add(new("duration", FieldValue.Num((r.Next(10_000) / 100.0).ToString(CultureInfo.InvariantCulture))));
        }
        if (r.Next(3) > 0)
        {
            fields.Add(new("ip", FieldValue.Str(Ips[r.Next(Ips.Length)])));
        }
        if (r.Next(4) > 0)
        {
            // many distinct canonical IPv4 addresses, which blocks store as 4 bytes each (Ipv4); now and
            // then one that is not canonical, which keeps its block's column as text
            fields.Add(new("client", FieldValue.Str(r.Next(40) == 0 ? "010.1.0.7" : $"10.{r.Next(4)}.{r.Next(256)}.{r.Next(256)}")));
        }
        if (r.Next(4) > 0)
        {
            // integers only, so blocks store them as 64-bit numbers; some beyond 2^53, where doubles round
            var bytes = r.Next(8) == 0 ? 9_007_199_254_740_993L + r.Next(3) : r.Next(-50, 10_000);
            fields.Add(new("bytes", FieldValue.Num(bytes.ToString(CultureInfo.InvariantCulture))));
        }
        if (r.Next(3) > 0)
        {
            // a few values: dictionary columns
            fields.Add(new("region", r.Next(4) == 0 ? FieldValue.Num("7") : FieldValue.Str(Regions[r.Next(Regions.Length)])));
        }
        if (r.Next(6) == 0)
        {
            fields.Add(new("tags", new FieldValue(ValueKind.Json, "[\"a\",\"b\"]")));
        }
        if (r.Next(6) == 0)
        {
            fields.Add(new("ok", new FieldValue(ValueKind.Bool, r.Next(2) == 0 ? "true" : "false")));
        }
        var stream = StreamKey.Create([new("host", host), new("service", service)]);
        return new LogEvent(time, stream, fields);
    }

    private static readonly string[] Leaves =
    [
        "error", "refused", "GET", "login", "ok", "timeout", "\"10.0.0.5\"", "straße", "500", "*",
        "\"connection refused\"", "\"login ok\"", "conn*", "ti*", "log*",
        "level:error", "level:ERROR", "host:web-1", "host:\"db-1\"", "service:nginx", "status:500", "status:200",
        "status:>=500", "status:<300", "duration:[10 TO 50]", "duration:{* TO 20}", "duration:>90",
        "level:*", "tags:*", "ok:true", "level:/err/", "_msg:/\\d{3}/", "ip:10.0.0.0/8", "ip:2001:db8::/32",
        "_time:1h", "_time:1d", "bytes:>=1000", "bytes:[100 TO 5000]", "bytes:{* TO 0}", "bytes:9007199254740993",
        "client:10.0.0.0/8", "client:10.1.0.0/16", "client:10.2*", "client:/^10\\.3\\./", "client:010.1.0.7", "client:*", "client:[10.1 TO 10.2]",
        "region:eu", "region:7", "region:>=5", "region:[a TO f]", "region:*", "_stream:web", "_stream:\"db-1\"", "host:web*", "level:[a TO f]",
    ];

    private static readonly string[] PipeChains =
    [
        "", "", "",
        " | stats count() by (host)",
        " | stats count(), avg(duration), p90(duration), count_distinct(ip), sum(status), min(duration), max(duration) by (service, _time:1h)",
        " | stats count() as n, count(level) by (level)",
        " | stats p50(duration) as med, p99(duration)",
        " | top 3 by (level)",
        " | top 2 by (host, service)",
        " | sort by (duration desc) | limit 5",
        " | limit 5",
        " | fields host, _msg",
        " | stats count() as n by (host) | where n:>2",
        " | where level:error | fields _time, level",
        " | stats count() by (level, _time:1h)",
        " | stats sum(bytes), min(bytes), max(bytes), p50(bytes), avg(bytes), count(bytes), count_distinct(bytes) by (region)",
        " | stats count_distinct(region), count_distinct(level), p99(duration) by (_stream)",
        " | stats count() as n, count(region) by (_time:10m, host)",
        " | stats count() by (status, ok)",
        " | stats count_distinct(ip), count_distinct(_msg), max(region) by (service, region)",
        " | stats count_distinct(client), p90(duration) by (host)",
        " | stats count()",
        " | stats count() by (_time:1h)",
        " | stats count() as n by (_time:5m)",
    ];

    public sealed record QueryCase(string Text, long? Start, long? End, int? Limit);

    public static Gen<string> Filters(int depth) =>
        depth == 0
            ? Gen.Elements(Leaves)
            : Gen.Frequency(
                (3, Gen.Elements(Leaves)),
                (1, from a in Filters(depth - 1) from b in Filters(depth - 1) select $"({a} AND {b})"),
                (1, from a in Filters(depth - 1) from b in Filters(depth - 1) select $"({a} OR {b})"),
                (1, from a in Filters(depth - 1) from b in Filters(depth - 1) select $"{a} {b}"),
                (1, from a in Filters(depth - 1) select $"NOT {a}"),
                (1, from a in Gen.Elements(Leaves) select $"-{a}"));

    public static Gen<QueryCase> Queries =>
        from filter in Filters(2)
        from pipes in Gen.Elements(PipeChains)
        from hasStart in Gen.Elements(false, false, true)
        from startHours in Gen.Choose(1, 80)
        from hasEnd in Gen.Elements(false, false, true)
        from endHours in Gen.Choose(0, 40)
        from limit in Gen.Elements<int?>(null, null, 3, 20)
        select new QueryCase(filter + pipes,
            hasStart ? Now - startHours * 3_600L * Timestamps.NanosPerSecond : null,
            hasEnd ? Now - endHours * 3_600L * Timestamps.NanosPerSecond : null,
            limit);
}
