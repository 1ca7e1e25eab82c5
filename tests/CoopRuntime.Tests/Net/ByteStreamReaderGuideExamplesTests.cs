using System.Text;
using System.Text.RegularExpressions;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Net;

/// <summary>
/// Keeps docs/guides/byte-stream-reader.md compiling and true. Each example's code sits between
/// <c>// guide:begin</c> and <c>// guide:end</c> below and runs on a loop over a stream that delivers a few bytes per
/// read; <see cref="Guide_ContainsEveryExampleVerbatim"/> fails if the guide's copy drifts from the code here.
/// </summary>
public partial class ByteStreamReaderGuideExamplesTests
{
    [Fact]
    public void LinesExample_ReadsEveryLine()
    {
        var result = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            Stream stream = ChunkedStream.Of("first\r\nsecond\nlast", chunkSize: 3);

            // guide:begin lines
            await using var reader = new ByteStreamReader(stream);
            var lines = new List<string>();
            while (await reader.ReadLineAsync() is { } line)     // null: the stream ended
            {
                lines.Add(line);                                  // without "\n" or "\r\n"
            }
            // guide:end

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

            // guide:begin head-and-body
            using var reader = new ByteStreamReader(stream, leaveOpen: true);
            var head = await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray(), maxLength: 8192);
            var headers = Encoding.ASCII.GetString(head.Span);  // decode or copy before the next call
            var length = int.Parse(headers.Split("Content-Length: ")[1].Split("\r\n")[0]);
            var body = (await reader.ReadExactlyAsync(length)).ToArray();
            // guide:end

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

            // guide:begin skip-long-lines
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
            // guide:end

            result = lines;
            Assert.InRange(reader.BufferCapacity, 64, 82);
        });

        Assert.Equal(new[] { "short", "after" }, result);
    }

    [Fact]
    public void Guide_ContainsEveryExampleVerbatim()
    {
        var root = FindRepositoryRoot();
        var guide = File.ReadAllText(Path.Combine(root, "docs", "guides", "byte-stream-reader.md")).ReplaceLineEndings("\n");
        var source = File.ReadAllText(Path.Combine(root, "tests", "CoopRuntime.Tests", "Net", "ByteStreamReaderGuideExamplesTests.cs"))
            .ReplaceLineEndings("\n");

        var snippets = SnippetPattern().Matches(source).Select(m => (Name: m.Groups[1].Value, Code: Dedent(m.Groups[2].Value))).ToList();

        Assert.Equal(3, snippets.Count);
        Assert.All(snippets, s => Assert.True(
            guide.Contains("```csharp\n" + s.Code + "```\n", StringComparison.Ordinal),
            $"docs/guides/byte-stream-reader.md lacks the '{s.Name}' example as written in ByteStreamReaderGuideExamplesTests:\n{s.Code}"));
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CoopRuntime.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (CoopRuntime.sln) above " + AppContext.BaseDirectory);
    }

    private static string Dedent(string block)
    {
        var lines = block.Split('\n').SkipLast(1).ToList(); // the block ends with the newline before "// guide:end"
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Concat(lines.Select(l => (l.Length >= indent ? l[indent..] : l.TrimStart()) + "\n"));
    }

    [GeneratedRegex(@"// guide:begin ([\w-]+)\n(.*?)^[ ]*// guide:end", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex SnippetPattern();
}
