using System.Globalization;
using System.Net;
using MaxMind.Db;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary>
/// <c>geoip</c>: looks an IP field up in a MaxMind database (GeoLite2/GeoIP2 City or Country, or any
/// <c>.mmdb</c> with the same layout) and adds <c>target.country_code</c>, <c>country</c>,
/// <c>continent</c>, <c>city</c>, <c>latitude</c>, <c>longitude</c>, <c>asn</c>, <c>as_org</c>
/// when the database has them. An address the database does not know is not a failure.
/// </summary>
public sealed class GeoIpProcessor(string field, Reader reader, string target) : Processor
{
    public override string Type => "geoip";

    public override string? Apply(PipelineEvent e)
    {
        if (e.GetText(field) is not { } text)
        {
            return null;
        }
        if (!IPAddress.TryParse(text, out var ip))
        {
            return $"'{field}': '{text}' is not an IP address";
        }
        Dictionary<string, object>? record;
        try
        {
            record = reader.Find<Dictionary<string, object>>(ip);
        }
        catch (InvalidDatabaseException x)
        {
            return "the GeoIP database is damaged: " + x.Message;
        }
        if (record is null)
        {
            return null;
        }
        var prefix = target + ".";
        SetText(e, prefix + "country_code", Path(record, "country", "iso_code"));
        SetText(e, prefix + "country", Name(Path(record, "country", "names")));
        SetText(e, prefix + "continent", Name(Path(record, "continent", "names")));
        SetText(e, prefix + "city", Name(Path(record, "city", "names")));
        SetNumber(e, prefix + "latitude", Path(record, "location", "latitude"));
        SetNumber(e, prefix + "longitude", Path(record, "location", "longitude"));
        SetNumber(e, prefix + "asn", Path(record, "autonomous_system_number"));
        SetText(e, prefix + "as_org", Path(record, "autonomous_system_organization"));
        return null;
    }

    private static object? Path(Dictionary<string, object> record, params string[] keys)
    {
        object? current = record;
        foreach (var k in keys)
        {
            if (current is not IDictionary<string, object> d || !d.TryGetValue(k, out current))
            {
                return null;
            }
        }
        return current;
    }

    private static object? Name(object? names) => names is IDictionary<string, object> d && d.TryGetValue("en", out var en) ? en : null;

    private static void SetText(PipelineEvent e, string name, object? value)
    {
        if (value is string s)
        {
            e.Set(name, FieldValue.Str(s));
        }
    }

    private static void SetNumber(PipelineEvent e, string name, object? value)
    {
        if (value is IConvertible c and not string)
        {
            e.Set(name, FieldValue.Num(Convert.ToDouble(c, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)));
        }
    }
}
