using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using HttpServer;

namespace CoopRuntime.Tests.Samples;

/// <summary>
/// The HTTP server under real clients: <c>curl</c> for each route and each limit, <c>wrk</c> for load. The server runs
/// in this process on its own loop thread.
/// </summary>
[Collection(SampleToolTests.Name)]
public sealed partial class HttpServerToolTests
{
    private static BackgroundServer StartServer(HttpLimits? limits = null) =>
        new((onListening, ct) => HttpServerHost.RunAsync(new IPEndPoint(IPAddress.Loopback, 0), reusePort: false, onListening, ct, limits));

    /// <summary>Runs curl and returns the status code and the body (curl's -w appends the code on a line of its own).</summary>
    private static (int Status, string Body) Curl(params string[] arguments)
    {
        var result = ExternalTool.Curl.Run(["-s", "-S", "-w", "\n%{http_code}", .. arguments]);
        Assert.True(result.ExitCode == 0, $"curl {string.Join(' ', arguments)} failed: {result}");
        var split = result.Output.LastIndexOf('\n');
        return (int.Parse(result.Output[(split + 1)..], CultureInfo.InvariantCulture), result.Output[..split]);
    }

    [SkippableFact]
    public void Curl_EveryRoute_AnswersAsDocumented()
    {
        ExternalTool.Curl.Require();
        using var server = StartServer();
        var url = $"http://127.0.0.1:{server.Port}";
        var bodyFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(bodyFile, "chunked body from a file");
            Assert.Equal((200, "Hello, World!"), Curl($"{url}/"));
            Assert.Equal((200, "{\"message\":\"Hello, World!\"}"), Curl($"{url}/json"));
            Assert.Equal((200, "hello"), Curl("-d", "hello", $"{url}/echo"));
            Assert.Equal((200, "chunked body from a file"), Curl("-H", "Transfer-Encoding: chunked", "--data-binary", $"@{bodyFile}", $"{url}/echo"));
            Assert.Equal((200, "Slept 30 ms\n"), Curl($"{url}/slow?ms=30"));
            Assert.Equal((404, "Not Found\n"), Curl($"{url}/missing"));
            Assert.Equal(405, Curl("-X", "DELETE", $"{url}/").Status);
            Assert.Equal((200, string.Empty), Curl("-I", $"{url}/") with { Body = string.Empty });
        }
        finally
        {
            File.Delete(bodyFile);
        }
    }

    [SkippableFact]
    public void Curl_TwoUrlsInOneRun_ReuseTheKeptAliveConnection()
    {
        ExternalTool.Curl.Require();
        using var server = StartServer();
        var url = $"http://127.0.0.1:{server.Port}";
        var result = ExternalTool.Curl.Run(["-s", "-v", $"{url}/", $"{url}/json"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Hello, World!{\"message\"", result.Output);
        Assert.Matches(ReusedConnection(), result.Errors);
    }

    [SkippableFact]
    public void Curl_EachLimit_GetsItsStatusCode()
    {
        ExternalTool.Curl.Require();
        using var server = StartServer();
        var url = $"http://127.0.0.1:{server.Port}";
        var limits = new HttpLimits();
        var bigBody = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(bigBody, new byte[limits.MaxBodyBytes + 1]);

            Assert.Equal(414, Curl($"{url}/{new string('a', limits.MaxRequestLineLength)}").Status);
            Assert.Equal(431, Curl([.. Enumerable.Range(0, limits.MaxHeaderCount + 1).SelectMany(i => new[] { "-H", $"X-Header-{i}: v" }), $"{url}/"]).Status);
            Assert.Equal(431, Curl("-H", $"X-Big: {new string('b', limits.MaxHeaderBytes)}", $"{url}/").Status);
            Assert.Equal(413, Curl("--data-binary", $"@{bigBody}", $"{url}/echo").Status);
            Assert.Equal(413, Curl("-H", "Transfer-Encoding: chunked", "--data-binary", $"@{bigBody}", $"{url}/echo").Status);
            Assert.Equal(400, Curl("-H", "Content-Length: abc", $"{url}/").Status);
            Assert.Equal(400, Curl($"{url}/slow?ms={HttpRouter.MaxSlowMilliseconds + 1}").Status);
        }
        finally
        {
            File.Delete(bigBody);
        }
    }

    [SkippableFact]
    public void Wrk_FiveSecondsAtOneHundredConnections_HasNoSocketErrorsAndNoNon2xx()
    {
        ExternalTool.Wrk.Require();
        using var server = StartServer();
        var result = ExternalTool.Wrk.Run(["-t", "2", "-c", "100", "-d", "5s", $"http://127.0.0.1:{server.Port}/"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("Socket errors", result.Output);
        Assert.DoesNotContain("Non-2xx", result.Output);
        var requests = RequestCount().Match(result.Output);
        Assert.True(requests.Success && long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture) > 0, result.ToString());
    }

    [GeneratedRegex(@"Re-using existing connection|Reusing existing")]
    private static partial Regex ReusedConnection();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestCount();
}
