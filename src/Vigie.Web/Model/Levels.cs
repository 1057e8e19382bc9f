namespace Vigie.Web.Model;

/// <summary>Maps the many spellings of a log level to one of a few classes, each with its colour.</summary>
public static class Levels
{
    public const string Field = "level";

    /// <summary>The class of a level text: error, warn, info, debug, or other (an unknown or missing level).</summary>
    public static string Classify(string? level) => level?.Trim().ToLowerInvariant() switch
    {
        "error" or "err" or "fatal" or "critical" or "crit" or "panic" or "emerg" or "emergency" or "alert" or "e" or "f" => "error",
        "warn" or "warning" or "w" => "warn",
        "info" or "information" or "informational" or "notice" or "i" => "info",
        "debug" or "trace" or "verbose" or "d" or "t" => "debug",
        _ => "other",
    };

    /// <summary>The fill colour of a class in charts; readable on light and dark backgrounds.</summary>
    public static string Colour(string levelClass) => levelClass switch
    {
        "error" => "#e53935",
        "warn" => "#fb8c00",
        "info" => "#1e88e5",
        "debug" => "#8e99a8",
        _ => "#8e24aa",
    };

    /// <summary>Stacking order in the histogram: errors at the bottom, where the eye looks first.</summary>
    public static int Order(string levelClass) => levelClass switch
    {
        "error" => 0,
        "warn" => 1,
        "info" => 2,
        "debug" => 3,
        _ => 4,
    };
}
