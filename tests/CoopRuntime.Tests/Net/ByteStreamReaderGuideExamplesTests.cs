using System.Text;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Net;

/// <summary>
/// Keeps docs/guides/byte-stream-reader.md compiling and true. Each example's code is a
/// <c>#region guide: name</c> below and runs on a loop over a stream that delivers a few bytes per
/// read; <see cref="Guide_ContainsEveryExampleVerbatim"/> fails if the guide's copy drifts from the code here.
/// </summary>
public class ByteStreamReaderGuideExamplesTests
{
    [Fact]
    public void LinesExample_ReadsEveryLine()
    {
        var result = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            Stream stream = ChunkedStream.Of("first\r\nsecond\nlast", chunkSize: 3);

            #region guide: lines
            await using var reader = new ByteStreamReader(stream);
            var lines = new List<string>();
            while (await reader.ReadLineAsync() is { } line)     // null: the stream ended
            {
                lines.Add(line);                                  // without "\n" or "\r\n"
            }
            #endregion

            result = lines;
        });

        Assert.Equal(new[] { "first", "second", "last" }, result);
    }

    [Fact]
    public void HeadAndBodyExample_ReadsHeadersThenExactBody()
    {
        string? headersSeen = null;
        byte[]? bodySeen = null;

        TestLoops.RunVirtual(async () =>
        {
            Stream stream = ChunkedStream.Of("POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloNEXT", chunkSize: 4);

            #region guide: head-and-body
            using var reader = new ByteStreamReader(stream, leaveOpen: true);
            var head = await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray(), maxLength: 8192);
            var headers = Encoding.ASCII.GetString(head.Span);  // decode or copy before the next call
            var length = int.Parse(headers.Split("Content-Length: ")[1].Split("\r\n")[0]);
            var body = (await reader.ReadExactlyAsync(length)).ToArray();
            #endregion

            headersSeen = headers;
            bodySeen = body;
            Assert.Equal("NEXT"u8.ToArray(), (await reader.ReadExactlyAsync(4)).ToArray()); // the next request's bytes
        });

        Assert.Equal("POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\n", headersSeen);
        Assert.Equal("hello"u8.ToArray(), bodySeen);
    }

    [Fact]
    public void SkipLongLinesExample_SkipsTheLongLineWithoutBufferingIt()
    {
        var result = new List<string>();
        var stream = ChunkedStream.Of("short\n" + new string('x', 10_000) + "\nafter\n", chunkSize: 64);

        TestLoops.RunVirtual(async () =>
        {
            await using var reader = new ByteStreamReader(stream, bufferSize: 64);

            #region guide: skip-long-lines
            var lines = new List<string>();
            var skipping = false;
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(maxLength: 80);
                }
                catch (ReadLimitExceededException e)
                {
                    await reader.ReadExactlyAsync(e.Limit);      // drop the start of the long line (no newline in it)
                    skipping = true;
                    continue;
                }

                if (line is null)
                {
                    break;
                }

                if (!skipping)
                {
                    lines.Add(line);
                }

                skipping = false;                                // that was the long line's tail
            }
            #endregion

            result = lines;
            Assert.InRange(reader.BufferCapacity, 64, 82);
        });

        Assert.Equal(new[] { "short", "after" }, result);
    }

    [Fact]
    public void Guide_ContainsEveryExampleVerbatim() =>
        GuideText.AssertGuideContainsRegions("docs/guides/byte-stream-reader.md", "tests/CoopRuntime.Tests/Net/ByteStreamReaderGuideExamplesTests.cs", 3);
}
