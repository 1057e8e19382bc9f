using System.Text;
using Vigie.Ingestion.Mapping;

namespace Vigie.Ingestion.Protocols;

/// <summary>The UTF-8 bytes of the normalised levels, made once rather than per event.</summary>
internal static class LevelText
{
    private static readonly byte[][] Utf8Levels = [.. SeverityLevels.All.Select(Encoding.UTF8.GetBytes)];

    public static ReadOnlySpan<byte> Utf8(string level)
    {
        for (var i = 0; i < Utf8Levels.Length; i++)
        {
            if (ReferenceEquals(SeverityLevels.All[i], level))
            {
                return Utf8Levels[i];
            }
        }
        return Encoding.UTF8.GetBytes(level);
    }
}
