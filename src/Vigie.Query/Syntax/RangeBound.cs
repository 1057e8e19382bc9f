using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>One end of a range; numeric when its text is a number, then values compare as numbers.</summary>
public sealed record RangeBound
{
    public RangeBound(string text, bool inclusive)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        Inclusive = inclusive;
        Number = NumberText.TryParse(text, out var n) ? n : null;
    }

    public string Text { get; }

    public bool Inclusive { get; }

    public double? Number { get; }

    internal string Format() => Lexicon.IsBareBound(Text) ? Text : Lexicon.Quote(Text);
}
