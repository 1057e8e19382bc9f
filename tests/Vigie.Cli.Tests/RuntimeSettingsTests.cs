using System.Text.Json;

namespace Vigie.Cli.Tests;

/// <summary>
/// The runtime settings the <c>vigie</c> executable is built with (its <c>vigie.runtimeconfig.json</c>,
/// copied beside the tests): each was measured, and a project edit that drops one would go unnoticed
/// otherwise, since everything still works, only slower or larger.
/// </summary>
public class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vigie.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void RuntimeConfig_TieredCompilation_IsOff()
    {
        Assert.False(ConfigProperties().GetProperty("System.Runtime.TieredCompilation").GetBoolean());
    }

    [Fact]
    public void RuntimeConfig_GarbageCollector_IsTheSmallHeapOne()
    {
        var properties = ConfigProperties();

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.RetainVM").GetBoolean());
        Assert.Equal(7, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
    }
}
