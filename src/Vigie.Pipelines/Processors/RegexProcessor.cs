using System.Text.RegularExpressions;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>regex</c>: a .NET regex whose named groups become fields.</summary>
public sealed class RegexProcessor : Processor
{
    private readonly string _field;
    private readonly Regex _regex;
    private readonly bool _ignoreMissing;
    private readonly (int Number, string Name)[] _groups;

    public RegexProcessor(string field, Regex regex, bool ignoreMissing)
    {
        _field = field;
        _regex = regex;
        _ignoreMissing = ignoreMissing;
        _groups = [.. regex.GetGroupNames().Where(n => !int.TryParse(n, out _)).Select(n => (regex.GroupNumberFromName(n), n))];
    }

    public override string Type => "regex";

    public override string? Apply(PipelineEvent e)
    {
        var text = e.GetText(_field);
        if (text is null)
        {
            return _ignoreMissing ? null : $"field '{_field}' is missing";
        }
        var match = _regex.Match(text);
        if (!match.Success)
        {
            return $"'{_field}' does not match {_regex}";
        }
        foreach (var (number, name) in _groups)
        {
            if (match.Groups[number] is { Success: true } g)
            {
                e.Set(name, FieldValue.Str(g.Value));
            }
        }
        return null;
    }
}
