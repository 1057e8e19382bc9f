using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>
/// The lexical rules of the language, shared by the parser and by <c>ToString</c> so that what is
/// printed is always read back the same way.
/// </summary>
public static class Lexicon
{
    public static bool IsFieldChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '@';

    /// <summary>Characters that end a bare value: whitespace and <c>( ) | "</c>.</summary>
    public static bool IsStop(char c) => char.IsWhiteSpace(c) || c is '(' or ')' or '|' or '"';

    public static bool IsKeyword(string s) => s is "AND" or "OR" or "NOT";

    /// <summary>A field name that needs no quotes: field characters only, not starting with <c>-</c> (which means NOT).</summary>
    public static bool IsBareFieldName(string name) =>
        name.Length > 0 && name[0] != '-' && name.All(IsFieldChar);

    public static string FormatField(string name) => IsBareFieldName(name) ? name : Quote(name);

    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Where a regex that opens at <paramref name="start"/> (on a <c>/</c>) closes: the index just after
    /// its first unescaped closing <c>/</c>, or -1. It is a regex only if a stop or the end follows.
    /// </summary>
    public static int ScanRegex(string text, int start)
    {
        var i = start + 1;
        while (i < text.Length)
        {
            if (text[i] == '\\')
            {
                i += 2;
                continue;
            }
            if (text[i] == '/')
            {
                var end = i + 1;
                return end == text.Length || IsStop(text[end]) ? end : -1;
            }
            i++;
        }
        return -1;
    }

    /// <summary>
    /// The index of the first unescaped <c>/</c> after the opening one inside <paramref name="run"/>, or -1.
    /// A bare value that starts with <c>/</c> but is no regex is a word only if this slash lies inside the
    /// value: else a regex scan would run on into the text after it.
    /// </summary>
    public static int RegexCloseWithin(string run)
    {
        for (var i = 1; i < run.Length; i++)
        {
            if (run[i] == '\\')
            {
                i++;
            }
            else if (run[i] == '/')
            {
                return i;
            }
        }
        return -1;
    }

    // A word (or a prefix before its '*') starting with '/' must have a second '/' with more text after it.
    private static bool IsSlashWord(string value, bool isPrefix)
    {
        var close = RegexCloseWithin(value);
        return close > 0 && (isPrefix || close < value.Length - 1);
    }

    /// <summary>Whether a bare <paramref name="value"/> written after <c>field:</c> reads back as a plain word.</summary>
    public static bool IsWordAfterColon(string field, string value)
    {
        if (!IsBareRun(value) || value[0] is '[' or '{' or '<' or '>' || value.Contains('*'))
        {
            return false;
        }
        if (value[0] == '/' && !IsSlashWord(value, isPrefix: false))
        {
            return false;
        }
        if (field == FieldNames.Time)
        {
            return false;
        }
        return !LooksLikeCidr(value);
    }

    /// <summary>Whether <paramref name="value"/> written alone (full-text on <c>_msg</c>) reads back as a plain word.</summary>
    public static bool IsWordWithoutField(string value)
    {
        if (!IsBareRun(value) || value[0] == '-' || IsKeyword(value) || value.Contains('*'))
        {
            return false;
        }
        if (value[0] == '/' && !IsSlashWord(value, isPrefix: false))
        {
            return false;
        }
        var i = 0;
        while (i < value.Length && IsFieldChar(value[i]))
        {
            i++;
        }
        return i == value.Length || value[i] != ':';
    }

    /// <summary>Whether <c>prefix*</c> reads back as this prefix without quotes.</summary>
    public static bool IsBarePrefix(string field, string prefix) =>
        field == FieldNames.Message
            ? IsWordWithoutField(prefix)
            : IsBareRun(prefix) && prefix[0] is not ('[' or '{' or '<' or '>') && !prefix.Contains('*') && (prefix[0] != '/' || IsSlashWord(prefix, isPrefix: true));

    /// <summary>Whether a range bound can be written without quotes inside brackets and after comparison operators.</summary>
    public static bool IsBareBound(string text) =>
        IsBareRun(text) && text is not ("*" or "TO") && text[0] != '=' && text.IndexOfAny(['[', ']', '{', '}']) < 0;

    private static bool IsBareRun(string value) => value.Length > 0 && !value.Any(IsStop);

    private static bool LooksLikeCidr(string value) => TrySplitCidr(value, out _, out _);

    /// <summary>
    /// Splits <c>address/prefix</c> when the address is a strict IPv4 dotted quad or an IPv6 address and
    /// the prefix is 1 to 3 digits; the prefix length is not range-checked here.
    /// </summary>
    public static bool TrySplitCidr(string value, out IPAddress network, out int prefixLength)
    {
        network = IPAddress.None;
        prefixLength = 0;
        var slash = value.LastIndexOf('/');
        if (slash <= 0 || slash == value.Length - 1 || value.Length - slash - 1 > 3)
        {
            return false;
        }
        for (var i = slash + 1; i < value.Length; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }
        }
        if (!TryParseIp(value.AsSpan(0, slash), out var address))
        {
            return false;
        }
        network = address;
        prefixLength = int.Parse(value.AsSpan(slash + 1), provider: System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>
    /// IP parsing without the legacy shorthands <see cref="IPAddress.TryParse(string, out IPAddress)"/> accepts
    /// (<c>10</c>, <c>10.1</c>, octal): IPv4 must be a dotted quad, IPv6 must contain a colon and no zone.
    /// </summary>
    public static bool TryParseIp(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.IsEmpty || text.Length > 45 || text.Contains('%'))
        {
            return false;
        }
        if (text.Contains(':'))
        {
            if (IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                address = v6;
                return true;
            }
            return false;
        }
        var dots = 0;
        var digits = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (digits == 1 && text[i - 1] == '0' && c != '.')
            {
                return false; // a leading zero would be read as octal
            }
            if (c == '.')
            {
                if (digits == 0)
                {
                    return false;
                }
                dots++;
                digits = 0;
            }
            else if (char.IsAsciiDigit(c) && digits < 3)
            {
                digits++;
            }
            else
            {
                return false;
            }
        }
        if (dots != 3 || digits == 0 || !IPAddress.TryParse(text, out var v4))
        {
            return false;
        }
        address = v4;
        return true;
    }
}
