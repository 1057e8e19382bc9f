using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;

namespace Vigie.Cli.Tests;

public sealed class ServeApiKeyOptionsTests : IDisposable
{
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"vigie-api-keys-{Guid.NewGuid():N}.yaml");

    public void Dispose() => File.Delete(_config);

    private IReadOnlyList<string> Keys(string[] args, Dictionary<string, string>? env = null) =>
        ServeCommand.Options(ArgParser.Parse(args, ServeCommand.Spec), k => env?.GetValueOrDefault(k)).ApiKeys;

    [Fact]
    public void Nothing_NoKeys() => Assert.Empty(Keys([]));

    [Fact]
    public void RepeatedFlag_GivesEveryKey() => Assert.Equal(["a1", "b2"], Keys(["--api-key", "a1", "--api-key=b2"]));

    [Fact]
    public void Environment_CommaSeparated() => Assert.Equal(["k1", "k2"], Keys([], new() { ["VIGIE_API_KEYS"] = "k1, k2," }));

    [Fact]
    public void ConfigFile_ListOrString_AndFlagsThenEnvironmentWinOverIt()
    {
        File.WriteAllText(_config, "listeners:\n  syslog-udp: off\napi_keys:\n  - from-file-1\n  - from-file-2\n");
        Assert.Equal(["from-file-1", "from-file-2"], Keys(["--config", _config]));
        Assert.Equal(["env"], Keys(["--config", _config], new() { ["VIGIE_API_KEYS"] = "env" }));
        Assert.Equal(["flag"], Keys(["--config", _config, "--api-key", "flag"], new() { ["VIGIE_API_KEYS"] = "env" }));
        File.WriteAllText(_config, "api_keys: one,two\n");
        Assert.Equal(["one", "two"], Keys(["--config", _config]));
    }

    [Fact]
    public void ConfigFile_ApiKeysNotAList_IsAUsageErrorNamingTheLine()
    {
        File.WriteAllText(_config, "api_keys:\n  key: value\n");
        var e = Assert.Throws<UsageException>(() => Keys(["--config", _config]));
        Assert.Contains(":2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("api_keys", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFlag_IsAUsageError() => Assert.Throws<UsageException>(() => Keys(["--api-key", ""]));
}
