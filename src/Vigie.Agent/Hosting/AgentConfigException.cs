namespace Vigie.Agent.Hosting;

/// <summary>An agent config file that cannot be used; the message says where (<c>file:line:column</c>) and why.</summary>
public sealed class AgentConfigException(string message) : Exception(message);
