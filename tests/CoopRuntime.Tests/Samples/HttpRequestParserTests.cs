using System.Text;
using HttpServer;
using HttpMethod = HttpServer.HttpMethod;

namespace CoopRuntime.Tests.Samples;

public sealed class HttpRequestParserTests
{
    private static readonly HttpLimits Limits = new();

    private static (HttpParseStatus Status, HttpRequest Request, int HeadLength, int ErrorStatus) Parse(string text, HttpLimits? limits = null)
    {
        var buffer = Encoding.ASCII.GetBytes(text);
        var request = new HttpRequest();
        var status = HttpRequestParser.TryParseHead(buffer, 0, buffer.Length, request, limits ?? Limits, out var headLength, out var error);
        return (status, request, headLength, error);
    }

    private static int ErrorFor(string text, HttpLimits? limits = null)
    {
        var (status, _, _, error) = Parse(text, limits);
        Assert.Equal(HttpParseStatus.Error, status);
        return error;
    }

    [Fact]
    public void TryParseHead_ASimpleGet_GivesMethodPathQueryAndHeaders()
    {
        const string Head = "GET /slow?ms=5&x=1 HTTP/1.1\r\nHost: example\r\nAccept:  */* \r\n\r\n";
        var (status, request, headLength, _) = Parse(Head + "next");

        Assert.Equal(HttpParseStatus.Complete, status);
        Assert.Equal(Head.Length, headLength);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("/slow", Encoding.ASCII.GetString(request.Path));
        Assert.Equal("ms=5&x=1", Encoding.ASCII.GetString(request.Query));
        Assert.Equal(11, request.Version);
        Assert.Equal("*/*", request.Header("accept"));
        Assert.Equal(2, request.HeaderCount);
        Assert.True(request.KeepAlive);
        Assert.False(request.HasBody);
    }

    [Fact]
    public void TryParseHead_EveryProperPrefix_IsIncomplete()
    {
        const string Head = "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
        for (var length = 0; length < Head.Length; length++)
        {
            Assert.Equal(HttpParseStatus.Incomplete, Parse(Head[..length]).Status);
        }
    }

    [Fact]
    public void TryParseHead_BareLineFeeds_AreAcceptedAsLineEnds()
    {
        var (status, request, _, _) = Parse("GET / HTTP/1.1\nHost: h\n\n");

        Assert.Equal(HttpParseStatus.Complete, status);
        Assert.Equal("h", request.Header("Host"));
    }

    [Fact]
    public void TryParseHead_AnAbsoluteFormTarget_RoutesByItsPath()
    {
        var (_, request, _, _) = Parse("GET http://example.com/json?a=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");

        Assert.Equal("/json", Encoding.ASCII.GetString(request.Path));
        Assert.Equal("a=1", Encoding.ASCII.GetString(request.Query));
    }

    [Fact]
    public void TryParseHead_BodyHeaders_SetLengthChunkedAndContinue()
    {
        var (_, withLength, _, _) = Parse("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 42\r\nExpect: 100-continue\r\n\r\n");
        var (_, chunked, _, _) = Parse("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");

        Assert.Equal(42, withLength.ContentLength);
        Assert.True(withLength.ExpectsContinue);
        Assert.True(chunked.IsChunked);
        Assert.Equal(-1, chunked.ContentLength);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, Close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true)]
    public void TryParseHead_KeepAlive_FollowsVersionAndConnection(string head, bool keepAlive) =>
        Assert.Equal(keepAlive, Parse(head).Request.KeepAlive);

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n")]                                                    // no Host
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")]                              // two Hosts
    [InlineData("G(T / HTTP/1.1\r\nHost: h\r\n\r\n")]                                         // not a token
    [InlineData("GET /\r\nHost: h\r\n\r\n")]                                                  // no version
    [InlineData("GET  / HTTP/1.1\r\nHost: h\r\n\r\n")]                                        // two spaces
    [InlineData("GET / FTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost : h\r\n\r\n")]                                        // space before colon
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n")]                              // obsolete folding
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\rX\r\n\r\n")]                                      // bare CR in a value
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1e3\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")] // smuggling
    [InlineData("GET nopath HTTP/1.1\r\nHost: h\r\n\r\n")]
    public void TryParseHead_MalformedRequests_Are400(string head) => Assert.Equal(400, ErrorFor(head));

    [Fact]
    public void TryParseHead_AnotherHttpVersion_Is505() => Assert.Equal(505, ErrorFor("GET / HTTP/2.0\r\nHost: h\r\n\r\n"));

    [Fact]
    public void TryParseHead_ATransferCodingOtherThanChunked_Is501() =>
        Assert.Equal(501, ErrorFor("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"));

    [Fact]
    public void TryParseHead_AnUnknownExpectation_Is417() =>
        Assert.Equal(417, ErrorFor("POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n"));

    [Fact]
    public void TryParseHead_ARequestLineOverTheLimit_Is414_EvenBeforeItEnds()
    {
        var limits = new HttpLimits { MaxRequestLineLength = 100 };
        var longTarget = "GET /" + new string('a', 100);

        Assert.Equal(414, ErrorFor(longTarget + " HTTP/1.1\r\nHost: h\r\n\r\n", limits));
        Assert.Equal(414, ErrorFor(longTarget, limits));
        Assert.Equal(HttpParseStatus.Incomplete, Parse("GET /" + new string('a', 90), limits).Status);
    }

    [Fact]
    public void TryParseHead_MoreHeadersThanTheLimit_Is431()
    {
        var limits = new HttpLimits { MaxHeaderCount = 3 };
        Assert.Equal(HttpParseStatus.Complete, Parse("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits).Status);
        Assert.Equal(431, ErrorFor("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits));
    }

    [Fact]
    public void TryParseHead_AHeadOverTheByteLimit_Is431_EvenBeforeItEnds()
    {
        var limits = new HttpLimits { MaxHeaderBytes = 1024 };
        var big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + new string('x', 1024);

        Assert.Equal(431, ErrorFor(big, limits));
        Assert.Equal(431, ErrorFor(big + "\r\n\r\n", limits));
    }

    [Fact]
    public void TryParseHead_AContentLengthOverTheBodyLimit_Is413BeforeTheBodyArrives() =>
        Assert.Equal(413, ErrorFor("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n", new HttpLimits { MaxBodyBytes = 1000 }));
}

public sealed class ChunkedBodyDecoderTests
{
    private static (HttpParseStatus Status, string Body, int Consumed, int Error) Decode(string text, HttpLimits? limits = null)
    {
        var buffer = Encoding.ASCII.GetBytes(text);
        var destination = Array.Empty<byte>();
        var status = ChunkedBodyDecoder.TryDecode(buffer, 0, buffer.Length, ref destination, limits ?? new HttpLimits(), out var consumed, out var length, out var error);
        return (status, Encoding.ASCII.GetString(destination, 0, length), consumed, error);
    }

    [Fact]
    public void TryDecode_Chunks_JoinIntoTheBody()
    {
        const string Body = "5\r\nhello\r\n7;ext=1\r\n, world\r\nA\r\n0123456789\r\n0\r\n\r\n";
        var (status, body, consumed, _) = Decode(Body + "GET /next");

        Assert.Equal(HttpParseStatus.Complete, status);
        Assert.Equal("hello, world0123456789", body);
        Assert.Equal(Body.Length, consumed);
    }

    [Fact]
    public void TryDecode_Trailers_AreSkipped()
    {
        const string Body = "3\r\nabc\r\n0\r\nChecksum: 1\r\nOther: 2\r\n\r\n";
        var (status, body, consumed, _) = Decode(Body);

        Assert.Equal(HttpParseStatus.Complete, status);
        Assert.Equal("abc", body);
        Assert.Equal(Body.Length, consumed);
    }

    [Fact]
    public void TryDecode_EveryProperPrefix_IsIncomplete()
    {
        const string Body = "3\r\nabc\r\n0\r\nT: 1\r\n\r\n";
        for (var length = 0; length < Body.Length; length++)
        {
            Assert.Equal(HttpParseStatus.Incomplete, Decode(Body[..length]).Status);
        }
    }

    [Theory]
    [InlineData("z\r\nabc\r\n0\r\n\r\n")]
    [InlineData("\r\nabc\r\n0\r\n\r\n")]
    [InlineData("3\r\nabcX\r\n0\r\n\r\n")]
    [InlineData("-3\r\nabc\r\n0\r\n\r\n")]
    public void TryDecode_BadFraming_Is400(string text)
    {
        var (status, _, _, error) = Decode(text);

        Assert.Equal(HttpParseStatus.Error, status);
        Assert.Equal(400, error);
    }

    [Fact]
    public void TryDecode_ABodyOverTheLimit_Is413()
    {
        var (status, _, _, error) = Decode("8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n", new HttpLimits { MaxBodyBytes = 10 });

        Assert.Equal(HttpParseStatus.Error, status);
        Assert.Equal(413, error);
    }

    [Fact]
    public void TryDecode_TinyChunksWhoseFramingOutgrowsTheLimit_Are413()
    {
        // 5 bytes of body in about 5,000 bytes of chunk extensions, still without the final chunk.
        var tiny = string.Concat(Enumerable.Repeat($"1;{new string('e', 1000)}\r\nx\r\n", 5));
        var (status, _, _, error) = Decode(tiny, new HttpLimits { MaxBodyBytes = 100 });

        Assert.Equal(HttpParseStatus.Error, status);
        Assert.Equal(413, error);
    }
}

[Collection(CoopRuntime.Tests.Support.AllocationMeasurements.Name)]
public sealed class HttpAllocationTests
{
    [Fact]
    public void ParseRouteAndWrite_AGetOfAStaticRoute_AllocatesNothingInSteadyState()
    {
        var request = Encoding.ASCII.GetBytes("GET /json HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n");
        var parsed = new HttpRequest();
        var router = new HttpRouter();
        var writer = new HttpResponseWriter(new HttpDate());
        var limits = new HttpLimits();
        void Serve()
        {
            HttpRequestParser.TryParseHead(request, 0, request.Length, parsed, limits, out _, out _);
            router.Handle(parsed, default, writer);
            writer.Clear();
        }

        Serve();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Serve();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
