using System.Net;
using KvServer;

namespace CoopRuntime.Tests.Samples;

/// <summary>
/// The KV server under the real Redis tools: <c>redis-cli</c> round trips for every command and
/// <c>redis-benchmark</c> with and without pipelining. The server runs in this process on its own loop thread.
/// </summary>
[Collection(SampleToolTests.Name)]
public sealed class KvServerToolTests
{
    private static BackgroundServer StartServer() =>
        new((onListening, ct) => KvServerHost.RunAsync(new IPEndPoint(IPAddress.Loopback, 0), onListening, ct));

    public static TheoryData<string[], string> Conversation => new()
    {
        // redis-cli without a terminal prints raw replies: errors as their text, nil as an empty line.
        { ["PING"], "PONG" },
        { ["PING", "hello"], "hello" },
        { ["ECHO", "hello world"], "hello world" },
        { ["SET", "greeting", "hello"], "OK" },
        { ["GET", "greeting"], "hello" },
        { ["GET", "missing"], string.Empty },
        { ["SET", "greeting", "again", "NX"], string.Empty },
        { ["SET", "greeting", "hi", "XX"], "OK" },
        { ["SET", "temp", "v", "EX", "100"], "OK" },
        { ["TTL", "temp"], "100" },
        { ["SET", "temp2", "v", "PX", "100000"], "OK" },
        { ["EXPIRE", "greeting", "50"], "1" },
        { ["TTL", "greeting"], "50" },
        { ["TTL", "missing"], "-2" },
        { ["INCR", "counter"], "1" },
        { ["INCR", "counter"], "2" },
        { ["DECR", "counter"], "1" },
        { ["INCR", "greeting"], "ERR value is not an integer or out of range" },
        { ["MSET", "a", "1", "b", "2"], "OK" },
        { ["MGET", "a", "b", "nope"], "1\n2\n" },
        { ["EXISTS", "a", "b", "nope"], "2" },
        { ["DEL", "a", "nope"], "1" },
        { ["KEYS", "coun*"], "counter" },
        { ["DBSIZE"], "5" },
        { ["INFO"], "# Server" },
        { ["CONFIG", "GET", "appendonly"], "appendonly\nno" },
        { ["FOO", "bar"], "ERR unknown command 'FOO', with args beginning with: 'bar' " },
        { ["GET"], "ERR wrong number of arguments for 'get' command" },
        { ["FLUSHDB"], "OK" },
        { ["DBSIZE"], "0" },
        { ["QUIT"], "OK" },
    };

    [SkippableFact]
    public void RedisCli_EveryCommand_GetsTheExpectedReply()
    {
        ExternalTool.RedisCli.Require();
        using var server = StartServer();
        var mismatches = new List<string>();
        foreach (var row in Conversation)
        {
            var arguments = (string[])row[0];
            var expected = (string)row[1];
            var result = ExternalTool.RedisCli.Run(["-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);
            var output = result.Output.TrimEnd('\n');
            var matches = arguments[0] == "INFO" ? output.StartsWith(expected, StringComparison.Ordinal) : output == expected.TrimEnd('\n');
            if (result.ExitCode != 0 || !matches)
            {
                mismatches.Add($"{string.Join(' ', arguments)}: expected \"{expected}\", got \"{output}\" ({result})");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(16)]
    public void RedisBenchmark_EveryTest_CompletesWithoutErrors(int pipeline)
    {
        ExternalTool.RedisBenchmark.Require();
        using var server = StartServer();
        var result = ExternalTool.RedisBenchmark.Run(
        [
            "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "ping,set,get,incr,mset",
            "-n", "100000", "-c", "50", "-P", pipeline.ToString(System.Globalization.CultureInfo.InvariantCulture), "--csv",
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var test in new[] { "PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)" })
        {
            Assert.Contains($"\"{test}\",", result.Output);
        }

        Assert.DoesNotContain("error", result.Output + result.Errors, StringComparison.OrdinalIgnoreCase);
    }
}
