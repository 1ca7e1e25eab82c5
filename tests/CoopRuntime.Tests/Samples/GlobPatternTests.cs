using System.Text;
using KvServer;

namespace CoopRuntime.Tests.Samples;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-c]llo", "hbllo", true)]
    [InlineData("h[a-c]llo", "hdllo", false)]
    [InlineData("user:*:name", "user:42:name", true)]
    [InlineData("user:*:name", "user:42:age", false)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("key", "KEY", false)]
    [InlineData("*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void IsMatch_FollowsRedisGlobRules(string pattern, string text, bool expected) =>
        Assert.Equal(expected, GlobPattern.IsMatch(Encoding.UTF8.GetBytes(pattern), Encoding.UTF8.GetBytes(text)));
}
