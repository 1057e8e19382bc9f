namespace Vigie.Core;

/// <summary>Names of the fields every event has, as users type them in queries.</summary>
public static class FieldNames
{
    public const string Time = "_time";
    public const string Message = "_msg";
    public const string Stream = "_stream";

    public static ReadOnlySpan<byte> MessageUtf8 => "_msg"u8;

    /// <summary>Fields the engine computes or stores apart; a user cannot set them as plain fields.</summary>
    public static bool IsReserved(string name) => name is Time or Stream;
}
