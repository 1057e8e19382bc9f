using Vigie.Agent.Files;

namespace Vigie.Agent.Tests.Files;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*.log", "app.log", true)]
    [InlineData("*.log", "app.log.1", false)]
    [InlineData("app.log*", "app.log.1", true)]
    [InlineData("app.log*", "app.log", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*", ".hidden", false)]
    [InlineData(".*", ".hidden", true)]
    [InlineData("*a*b*", "xaybz", true)]
    [InlineData("*a*b", "xaybz", false)]
    [InlineData("literal", "literal", true)]
    public void MatchName(string pattern, string name, bool expected) => Assert.Equal(expected, GlobPattern.MatchName(pattern, name));

    [Fact]
    public void Expand_WalksOnlyWhatTheGlobReaches()
    {
        using var dir = new TempDirectory();
        string Make(string relative)
        {
            var path = dir.File(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "");
            return path;
        }
        var top = Make("top.log");
        var nested = Make("x/y/nested.log");
        var sibling = Make("x/z/other.log");
        Make("x/y/skip.txt");
        Make(".git/hidden.log");

        Assert.Equal([top], new GlobPattern(dir.File("*.log")).Expand());
        Assert.Equal([top, nested, sibling], new GlobPattern(dir.File("**/*.log")).Expand().Order(StringComparer.Ordinal));
        Assert.Equal([nested, sibling], new GlobPattern(dir.File("x/*/*.log")).Expand().Order(StringComparer.Ordinal));
        Assert.Equal([nested], new GlobPattern(dir.File("x/y/nested.log")).Expand());
        Assert.Empty(new GlobPattern(dir.File("missing/*.log")).Expand());

        var glob = new GlobPattern(dir.File("x/**/*.log"));
        Assert.Equal(dir.File("x"), glob.BaseDirectory);
        Assert.True(glob.WatchesSubdirectories);
        Assert.True(glob.IsMatch(nested));
        Assert.False(glob.IsMatch(top));
        Assert.True(glob.IsMatch(dir.File("x/direct.log")));
    }
}
