namespace Vigie.Cli.Arguments;

/// <summary>The command line is wrong (exit code 2); the message names the offending flag or value.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
