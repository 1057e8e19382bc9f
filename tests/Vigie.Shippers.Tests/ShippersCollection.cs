namespace Vigie.Shippers.Tests;

/// <summary>Shipper tests share one server: they tell their events apart by a marker word.</summary>
[CollectionDefinition(Name)]
public sealed class ShippersCollection : ICollectionFixture<ShipperServer>
{
    public const string Name = "shippers";
}
