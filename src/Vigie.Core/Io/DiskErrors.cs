namespace Vigie.Core.Io;

public static class DiskErrors
{
    private const int NoSpace = 28;      // ENOSPC
    private const int QuotaExceeded = 122; // EDQUOT

    /// <summary>True when the error means "the disk is full", which is an expected, recoverable state.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException io && ((io.HResult & 0xFFFF) is NoSpace or QuotaExceeded
            || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
            || io.Message.Contains("quota", StringComparison.OrdinalIgnoreCase));
}
