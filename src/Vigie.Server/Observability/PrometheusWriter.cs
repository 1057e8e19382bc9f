using System.Globalization;
using System.Text;
using Vigie.Core;

namespace Vigie.Server.Observability;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4).</summary>
internal sealed class PrometheusWriter
{
    private readonly StringBuilder _text = new();

    public void Counter(string name, string help, double value, string? labels = null) => Sample(name, "counter", help, value, labels);

    public void Gauge(string name, string help, double value, string? labels = null) => Sample(name, "gauge", help, value, labels);

    /// <summary>Several samples of one metric that differ by labels, e.g. <c>kind="wal"</c>.</summary>
    public void Family(string name, string type, string help, params (string Labels, double Value)[] samples)
    {
        Header(name, type, help);
        foreach (var (labels, value) in samples)
        {
            _text.Append(name).Append('{').Append(labels).Append("} ").Append(Format(value)).Append('\n');
        }
    }

    public void Histogram(string name, string help, LatencyHistogram histogram)
    {
        Header(name, "histogram", help);
        foreach (var (upper, count) in histogram.Cumulative())
        {
            _text.Append(name).Append("_bucket{le=\"").Append(Format(upper)).Append("\"} ").Append(count).Append('\n');
        }
        _text.Append(name).Append("_bucket{le=\"+Inf\"} ").Append(histogram.Count).Append('\n');
        _text.Append(name).Append("_sum ").Append(Format(histogram.SumSeconds)).Append('\n');
        _text.Append(name).Append("_count ").Append(histogram.Count).Append('\n');
    }

    private void Sample(string name, string type, string help, double value, string? labels)
    {
        Header(name, type, help);
        _text.Append(name);
        if (labels is not null)
        {
            _text.Append('{').Append(labels).Append('}');
        }
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    private void Header(string name, string type, string help) =>
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public override string ToString() => _text.ToString();
}
