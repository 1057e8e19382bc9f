namespace Vigie.Server.Configuration;

/// <summary>A config file that cannot be used; the message says where (<c>file:line:column</c>) and why.</summary>
public sealed class ConfigFileException(string message) : Exception(message);
