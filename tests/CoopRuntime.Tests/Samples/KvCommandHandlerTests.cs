using System.Text;
using KvServer;

namespace CoopRuntime.Tests.Samples;

/// <summary>The command handler against a store whose clock the test moves by hand: expiry without waiting.</summary>
public sealed class KvCommandHandlerTests
{
    private long _now = 1_000_000;
    private readonly KeyValueStore _store;
    private readonly CommandHandler _handler;

    public KvCommandHandlerTests()
    {
        _store = new KeyValueStore(() => _now);
        _handler = new CommandHandler(_store, port: 6380);
    }

    private string Run(params string[] arguments) => Execute(arguments).Reply;

    private (string Reply, CommandOutcome Outcome) Execute(params string[] arguments)
    {
        var request = new StringBuilder($"*{arguments.Length}\r\n");
        foreach (var argument in arguments)
        {
            request.Append($"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        }

        var buffer = Encoding.UTF8.GetBytes(request.ToString());
        var command = new RespCommand();
        Assert.Equal(RespParseStatus.Complete, RespParser.TryParse(buffer, 0, buffer.Length, command, new RespLimits(), out _, out _));
        var writer = new RespWriter();
        var outcome = _handler.Execute(command, writer);
        return (writer.ToString(), outcome);
    }

    [Fact]
    public void Ping_AndEcho_AnswerAsRedisDoes()
    {
        Assert.Equal("+PONG\r\n", Run("PING"));
        Assert.Equal("$5\r\nhello\r\n", Run("ping", "hello"));
        Assert.Equal("$11\r\nhello world\r\n", Run("ECHO", "hello world"));
    }

    [Fact]
    public void SetThenGet_ReturnsTheValue_AndAMissingKeyIsNull()
    {
        Assert.Equal("+OK\r\n", Run("SET", "k", "v1"));
        Assert.Equal("$2\r\nv1\r\n", Run("GET", "k"));
        Assert.Equal("+OK\r\n", Run("set", "k", "longer value"));
        Assert.Equal("$12\r\nlonger value\r\n", Run("get", "k"));
        Assert.Equal("$-1\r\n", Run("GET", "missing"));
    }

    [Fact]
    public void Set_WithNxAndXx_SetsOnlyWhenTheKeyIsMissingOrPresent()
    {
        Assert.Equal("$-1\r\n", Run("SET", "k", "a", "XX"));
        Assert.Equal("+OK\r\n", Run("SET", "k", "a", "NX"));
        Assert.Equal("$-1\r\n", Run("SET", "k", "b", "NX"));
        Assert.Equal("+OK\r\n", Run("SET", "k", "c", "XX"));
        Assert.Equal("$1\r\nc\r\n", Run("GET", "k"));
        Assert.Equal("-ERR syntax error\r\n", Run("SET", "k", "d", "NX", "XX"));
    }

    [Fact]
    public void Set_WithExOrPx_ExpiresTheKeyOnTheStoreClock()
    {
        Assert.Equal("+OK\r\n", Run("SET", "k", "v", "EX", "10"));
        Assert.Equal(":10\r\n", Run("TTL", "k"));
        Assert.Equal(":10000\r\n", Run("PTTL", "k"));
        _now += 9_999;
        Assert.Equal("$1\r\nv\r\n", Run("GET", "k"));
        _now += 1;
        Assert.Equal("$-1\r\n", Run("GET", "k"));
        Assert.Equal(":-2\r\n", Run("TTL", "k"));

        Assert.Equal("+OK\r\n", Run("SET", "p", "v", "PX", "1500"));
        Assert.Equal(":2\r\n", Run("TTL", "p")); // rounded, as Redis rounds
        Assert.Equal("-ERR invalid expire time in 'set' command\r\n", Run("SET", "k", "v", "EX", "0"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", Run("SET", "k", "v", "EX", "soon"));
        Assert.Equal("-ERR syntax error\r\n", Run("SET", "k", "v", "EX"));
    }

    [Fact]
    public void Set_WithoutExpiry_ClearsAnExistingTtl_ButKeepTtlKeepsIt()
    {
        Run("SET", "k", "v", "EX", "10");
        Run("SET", "k", "w", "KEEPTTL");
        Assert.Equal(":10\r\n", Run("TTL", "k"));
        Run("SET", "k", "x");
        Assert.Equal(":-1\r\n", Run("TTL", "k"));
    }

    [Fact]
    public void Set_WithGet_ReturnsTheOldValue()
    {
        Assert.Equal("$-1\r\n", Run("SET", "k", "one", "GET"));
        Assert.Equal("$3\r\none\r\n", Run("SET", "k", "two", "GET"));
        Assert.Equal("$3\r\ntwo\r\n", Run("GET", "k"));
    }

    [Fact]
    public void DelAndExists_CountKeys()
    {
        Run("MSET", "a", "1", "b", "2");
        Assert.Equal(":3\r\n", Run("EXISTS", "a", "b", "a", "c"));
        Assert.Equal(":2\r\n", Run("DEL", "a", "b", "c"));
        Assert.Equal(":0\r\n", Run("EXISTS", "a"));
    }

    [Fact]
    public void IncrAndDecr_CountFromZero_AndRejectNonIntegersAndOverflow()
    {
        Assert.Equal(":1\r\n", Run("INCR", "n"));
        Assert.Equal(":2\r\n", Run("INCR", "n"));
        Assert.Equal(":1\r\n", Run("DECR", "n"));
        Assert.Equal(":-1\r\n", Run("DECR", "m"));
        Assert.Equal(":11\r\n", Run("INCRBY", "n", "10"));
        Assert.Equal(":6\r\n", Run("DECRBY", "n", "5"));
        Assert.Equal("$1\r\n6\r\n", Run("GET", "n"));

        Run("SET", "s", "abc");
        Assert.Equal("-ERR value is not an integer or out of range\r\n", Run("INCR", "s"));
        Run("SET", "lead", "007");
        Assert.Equal("-ERR value is not an integer or out of range\r\n", Run("INCR", "lead"));
        Run("SET", "max", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("-ERR increment or decrement would overflow\r\n", Run("INCR", "max"));
    }

    [Fact]
    public void Incr_KeepsTheKeysTtl()
    {
        Run("SET", "n", "1", "EX", "100");
        Run("INCR", "n");
        Assert.Equal(":100\r\n", Run("TTL", "n"));
    }

    [Fact]
    public void MsetAndMget_SetAndGetSeveralKeys()
    {
        Assert.Equal("+OK\r\n", Run("MSET", "a", "1", "b", "22"));
        Assert.Equal("*3\r\n$1\r\n1\r\n$2\r\n22\r\n$-1\r\n", Run("MGET", "a", "b", "c"));
        Assert.Equal("-ERR wrong number of arguments for 'mset' command\r\n", Run("MSET", "a", "1", "b"));
    }

    [Fact]
    public void ExpireAndTtl_FollowRedis()
    {
        Assert.Equal(":0\r\n", Run("EXPIRE", "nope", "10"));
        Run("SET", "k", "v");
        Assert.Equal(":-1\r\n", Run("TTL", "k"));
        Assert.Equal(":1\r\n", Run("EXPIRE", "k", "5"));
        Assert.Equal(":5\r\n", Run("TTL", "k"));
        Assert.Equal(":0\r\n", Run("EXPIRE", "k", "50", "NX"));
        Assert.Equal(":1\r\n", Run("EXPIRE", "k", "50", "XX"));
        Assert.Equal(":0\r\n", Run("EXPIRE", "k", "20", "GT"));
        Assert.Equal(":1\r\n", Run("EXPIRE", "k", "20", "LT"));
        Assert.Equal(":20000\r\n", Run("PTTL", "k"));
        Assert.Equal(":1\r\n", Run("PEXPIRE", "k", "1500"));
        Assert.Equal(":1\r\n", Run("PERSIST", "k"));
        Assert.Equal(":-1\r\n", Run("TTL", "k"));
        Assert.Equal(":1\r\n", Run("EXPIRE", "k", "-1"));
        Assert.Equal("$-1\r\n", Run("GET", "k"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", Run("EXPIRE", "k", "x"));
    }

    [Fact]
    public void RemoveExpired_DeletesKeysWhoseTimeCame_AndSparesKeysRewrittenSince()
    {
        Run("SET", "gone", "v", "PX", "100");
        Run("SET", "renewed", "v", "PX", "100");
        Run("SET", "rewritten", "v", "PX", "100");
        Run("PEXPIRE", "renewed", "10000");
        Run("SET", "rewritten", "w");
        Run("SET", "forever", "v");
        _now += 100;

        Assert.Equal(1, _store.RemoveExpired());
        Assert.Equal(":3\r\n", Run("DBSIZE"));
        Assert.Equal("$1\r\nw\r\n", Run("GET", "rewritten"));
        Assert.Equal(1, _store.ExpiringCount);
    }

    [Fact]
    public void Keys_MatchesAGlob_AndSkipsExpiredKeys()
    {
        Run("MSET", "user:1", "a", "user:2", "b", "order:1", "c");
        Run("SET", "user:3", "d", "PX", "10");
        _now += 10;

        var reply = Run("KEYS", "user:*");
        Assert.StartsWith("*2\r\n", reply);
        Assert.Contains("user:1", reply);
        Assert.Contains("user:2", reply);
        Assert.Equal("*1\r\n$7\r\norder:1\r\n", Run("KEYS", "o*"));
    }

    [Fact]
    public void FlushdbAndDbsize_ClearAndCount()
    {
        Run("MSET", "a", "1", "b", "2");
        Assert.Equal(":2\r\n", Run("DBSIZE"));
        Assert.Equal("+OK\r\n", Run("FLUSHDB"));
        Assert.Equal(":0\r\n", Run("DBSIZE"));
        Assert.Equal("+OK\r\n", Run("FLUSHALL", "ASYNC"));
    }

    [Fact]
    public void ConfigGet_AnswersWhatRedisBenchmarkAsks()
    {
        Assert.Equal("*2\r\n$4\r\nsave\r\n$0\r\n\r\n", Run("CONFIG", "GET", "save"));
        Assert.Equal("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", Run("CONFIG", "GET", "appendonly"));
        Assert.Equal("*0\r\n", Run("CONFIG", "GET", "no-such-setting"));
        Assert.Equal("-ERR wrong number of arguments for 'config|get' command\r\n", Run("CONFIG", "GET"));
    }

    [Fact]
    public void InfoSelectAndCommand_GiveMinimalAnswersClientsAccept()
    {
        Run("SET", "k", "v");
        var info = Run("INFO");
        Assert.StartsWith("$", info);
        Assert.Contains("redis_version:", info);
        Assert.Contains("db0:keys=1,", info);
        Assert.Equal("+OK\r\n", Run("SELECT", "0"));
        Assert.Equal("-ERR DB index is out of range\r\n", Run("SELECT", "1"));
        Assert.Equal("*0\r\n", Run("COMMAND", "DOCS"));
        Assert.Equal("*0\r\n", Run("COMMAND"));
    }

    [Fact]
    public void Quit_RepliesOk_AndAsksToClose()
    {
        var (reply, outcome) = Execute("QUIT");

        Assert.Equal("+OK\r\n", reply);
        Assert.Equal(CommandOutcome.Close, outcome);
    }

    [Fact]
    public void AnUnknownCommand_GetsRedissErrorText()
    {
        Assert.Equal("-ERR unknown command 'foo', with args beginning with: 'bar' 'baz' \r\n", Run("foo", "bar", "baz"));
        Assert.Equal("-ERR unknown command 'nope', with args beginning with: \r\n", Run("nope"));
    }

    [Theory]
    [InlineData("get")]
    [InlineData("set", "k")]
    [InlineData("incr")]
    [InlineData("ttl", "a", "b")]
    [InlineData("echo")]
    [InlineData("del")]
    public void TheWrongNumberOfArguments_GetsRedissErrorText(string name, params string[] arguments) =>
        Assert.Equal($"-ERR wrong number of arguments for '{name}' command\r\n", Run([name.ToUpperInvariant(), .. arguments]));
}

[Collection(CoopRuntime.Tests.Support.AllocationMeasurements.Name)]
public sealed class KvAllocationTests
{
    [Fact]
    public void ParseAndExecute_GetAndSetOfTheSameSize_AllocateNothingInSteadyState()
    {
        var store = new KeyValueStore(() => 0);
        var handler = new CommandHandler(store);
        var set = Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
        var get = Encoding.ASCII.GetBytes("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
        var command = new RespCommand();
        var writer = new RespWriter();
        var limits = new RespLimits();
        void Execute(byte[] request)
        {
            RespParser.TryParse(request, 0, request.Length, command, limits, out _, out _);
            handler.Execute(command, writer);
            writer.Clear();
        }

        Execute(set);
        Execute(get);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Execute(set);
            Execute(get);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
