using System.Text;
using KvServer;

namespace CoopRuntime.Tests.Samples;

public sealed class RespParserTests
{
    private static readonly RespLimits Limits = new();

    private static (RespParseStatus Status, string[] Arguments, int Consumed, string? Error) Parse(string text, RespLimits? limits = null, int start = 0)
    {
        var buffer = Encoding.UTF8.GetBytes(text);
        var command = new RespCommand();
        var status = RespParser.TryParse(buffer, start, buffer.Length, command, limits ?? Limits, out var consumed, out var error);
        return (status, status == RespParseStatus.Complete ? command.ToStrings() : [], consumed, error);
    }

    [Fact]
    public void TryParse_AnArrayOfBulkStrings_ReturnsTheArgumentsAndConsumesAll()
    {
        const string Request = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
        var (status, arguments, consumed, _) = Parse(Request);

        Assert.Equal(RespParseStatus.Complete, status);
        Assert.Equal(["SET", "key", "value"], arguments);
        Assert.Equal(Request.Length, consumed);
    }

    [Fact]
    public void TryParse_EveryProperPrefixOfACommand_IsIncomplete()
    {
        const string Request = "*2\r\n$3\r\nGET\r\n$10\r\nsome:key:1\r\n";
        for (var length = 0; length < Request.Length; length++)
        {
            Assert.Equal(RespParseStatus.Incomplete, Parse(Request[..length]).Status);
        }
    }

    [Fact]
    public void TryParse_PipelinedCommands_ParsesThemOneAfterAnother()
    {
        var buffer = Encoding.UTF8.GetBytes("*1\r\n$4\r\nPING\r\nECHO hi\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
        var command = new RespCommand();
        var parsed = new List<string>();
        var start = 0;
        while (RespParser.TryParse(buffer, start, buffer.Length, command, Limits, out var consumed, out _) == RespParseStatus.Complete)
        {
            parsed.Add(string.Join(' ', command.ToStrings()));
            start += consumed;
        }

        Assert.Equal(["PING", "ECHO hi", "GET k"], parsed);
        Assert.Equal(buffer.Length, start);
    }

    [Fact]
    public void TryParse_BulkStringsWithCrLfInside_AreBinarySafe()
    {
        var (status, arguments, _, _) = Parse("*2\r\n$4\r\nECHO\r\n$6\r\na\r\nb\r\n\r\n");

        Assert.Equal(RespParseStatus.Complete, status);
        Assert.Equal("a\r\nb\r\n", arguments[1]);
    }

    [Theory]
    [InlineData("PING\r\n", new[] { "PING" })]
    [InlineData("PING\n", new[] { "PING" })]
    [InlineData("  set   k\tv  \r\n", new[] { "set", "k", "v" })]
    [InlineData("set k \"hello world\"\r\n", new[] { "set", "k", "hello world" })]
    [InlineData("set k \"a\\\"b\\n\\x41\"\r\n", new[] { "set", "k", "a\"b\nA" })]
    [InlineData("set k 'it\\'s'\r\n", new[] { "set", "k", "it's" })]
    [InlineData("set k \"\"\r\n", new[] { "set", "k", "" })]
    public void TryParse_InlineCommands_SplitLikeRedis(string line, string[] expected)
    {
        var (status, arguments, consumed, _) = Parse(line);

        Assert.Equal(RespParseStatus.Complete, status);
        Assert.Equal(expected, arguments);
        Assert.Equal(line.Length, consumed);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("   \r\n")]
    [InlineData("*0\r\n")]
    [InlineData("*-1\r\n")]
    public void TryParse_EmptyLinesAndEmptyArrays_AreConsumedWithoutACommand(string text)
    {
        var (status, _, consumed, _) = Parse(text);

        Assert.Equal(RespParseStatus.Empty, status);
        Assert.Equal(text.Length, consumed);
    }

    [Theory]
    [InlineData("*x\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\n:5\r\n", "Protocol error: expected '$', got ':'")]
    [InlineData("*1\r\n$-3\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$abc\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$3\r\nabcXY", "Protocol error: bulk string not terminated by CRLF")]
    [InlineData("set k \"open\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("set k \"a\"b\r\n", "Protocol error: unbalanced quotes in request")]
    public void TryParse_MalformedInput_IsAnErrorInRedisWords(string text, string expected)
    {
        var (status, _, _, error) = Parse(text);

        Assert.Equal(RespParseStatus.Error, status);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_ABulkLongerThanTheLimit_IsAnErrorBeforeItsBytesArrive()
    {
        var (status, _, _, error) = Parse("*1\r\n$1025\r\n", new RespLimits { MaxBulkLength = 1024 });

        Assert.Equal(RespParseStatus.Error, status);
        Assert.Equal("Protocol error: invalid bulk length", error);
    }

    [Fact]
    public void TryParse_MoreArgumentsThanTheLimit_IsAnError()
    {
        var (status, _, _, error) = Parse("*1000001\r\n", new RespLimits { MaxArguments = 1_000_000 });

        Assert.Equal(RespParseStatus.Error, status);
        Assert.Equal("Protocol error: invalid multibulk length", error);
    }

    [Fact]
    public void TryParse_AHugeAnnouncedArgumentCount_DoesNotAllocateForIt()
    {
        // A client may announce a million arguments and send two: the parser waits, holding only what arrived.
        var (status, _, _, _) = Parse("*1000000\r\n$1\r\na\r\n$1\r\nb\r\n");

        Assert.Equal(RespParseStatus.Incomplete, status);
    }

    [Fact]
    public void TryParse_AnInlineLineLongerThanTheLimit_IsAnError()
    {
        var limits = new RespLimits { MaxInlineLength = 100 };

        Assert.Equal(RespParseStatus.Incomplete, Parse(new string('a', 100), limits).Status);
        var (status, _, _, error) = Parse(new string('a', 101), limits);
        Assert.Equal(RespParseStatus.Error, status);
        Assert.Equal("Protocol error: too big inline request", error);
    }

    [Fact]
    public void TryParse_FromAnOffset_ParsesFromThere()
    {
        var (status, arguments, consumed, _) = Parse("xxxxPING\r\n", start: 4);

        Assert.Equal(RespParseStatus.Complete, status);
        Assert.Equal(["PING"], arguments);
        Assert.Equal(6, consumed);
    }
}
