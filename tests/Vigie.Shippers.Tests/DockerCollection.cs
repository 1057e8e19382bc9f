namespace Vigie.Shippers.Tests;

/// <summary>The docker tests: one daemon and one server for the whole run.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerDaemon>, ICollectionFixture<ShipperServer>
{
    public const string Name = "docker";
}
