using System.IO.Pipelines;
using System.Text;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Net;

/// <summary>
/// <see cref="ByteStreamReader"/> on streams of every kind: in memory, one byte per read, scripted chunks that split
/// delimiters, a System.IO.Pipelines pipe, and on a loop with reads that complete asynchronously.
/// </summary>
public class ByteStreamReaderTests
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private static readonly byte[] Blank = "\r\n\r\n"u8.ToArray();

    // ---- Construction ----

    [Fact]
    public void Constructor_NullStream_ThrowsArgumentNull()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new ByteStreamReader(null!));
        Assert.Equal("stream", error.ParamName);
        Assert.Contains("null", error.Message);
    }

    [Fact]
    public void Constructor_UnreadableStream_ThrowsArgumentWithReason()
    {
        var closed = new MemoryStream();
        closed.Dispose();

        var error = Assert.Throws<ArgumentException>(() => new ByteStreamReader(closed));
        Assert.Equal("stream", error.ParamName);
        Assert.Contains("cannot be read", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_BufferSizeOutOfRange_Throws(int bufferSize)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ByteStreamReader(new MemoryStream(), bufferSize));
        Assert.Equal("bufferSize", error.ParamName);
        Assert.Contains($"it was {bufferSize}", error.Message);
    }

    [Fact]
    public void BaseStream_IsTheWrappedStream()
    {
        var stream = new MemoryStream();
        using var reader = new ByteStreamReader(stream);
        Assert.Same(stream, reader.BaseStream);
        Assert.Equal(0, reader.BufferedCount);
    }

    // ---- ReadLineAsync ----

    [Fact]
    public async Task ReadLineAsync_WithLf_ReturnsLinesWithoutTerminator()
    {
        using var reader = new ByteStreamReader(Memory("one\ntwo\nthree\n"));

        Assert.Equal("one", await reader.ReadLineAsync());
        Assert.Equal("two", await reader.ReadLineAsync());
        Assert.Equal("three", await reader.ReadLineAsync());
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task ReadLineAsync_WithCrLf_StripsTerminator()
    {
        using var reader = new ByteStreamReader(Memory("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        Assert.Equal("GET / HTTP/1.1", await reader.ReadLineAsync());
        Assert.Equal("Host: x", await reader.ReadLineAsync());
        Assert.Equal("", await reader.ReadLineAsync());
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task ReadLineAsync_LoneCr_IsNotATerminatorAndStaysInTheLine()
    {
        using var reader = new ByteStreamReader(Memory("a\rb\nc\r"));

        Assert.Equal("a\rb", await reader.ReadLineAsync());
        Assert.Equal("c\r", await reader.ReadLineAsync());
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task ReadLineAsync_FinalUnterminatedLine_IsReturnedThenNull()
    {
        using var reader = new ByteStreamReader(ChunkedStream.Of("first\nlast", chunkSize: 3));

        Assert.Equal("first", await reader.ReadLineAsync());
        Assert.Equal("last", await reader.ReadLineAsync());
        Assert.Null(await reader.ReadLineAsync());
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task ReadLineAsync_EmptyStream_ReturnsNull()
    {
        using var reader = new ByteStreamReader(new MemoryStream());
        Assert.Null(await reader.ReadLineAsync());
    }

    [Fact]
    public async Task ReadLineAsync_OneByteReads_ReturnsEveryLineAndDecodesSplitUtf8()
    {
        const string text = "héllo wörld\r\n日本語\n\n€ end\n";
        using var reader = new ByteStreamReader(ChunkedStream.Of(text, chunkSize: 1), bufferSize: 2);

        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        Assert.Equal(new[] { "héllo wörld", "日本語", "", "€ end" }, lines);
    }

    [Fact]
    public async Task ReadLineAsync_InvalidUtf8_DecodesToReplacementCharacters()
    {
        using var reader = new ByteStreamReader(new MemoryStream([(byte)'a', 0xFF, (byte)'b', (byte)'\n']));
        Assert.Equal("a\uFFFDb", await reader.ReadLineAsync());
    }

    [Theory]
    [InlineData("12345\n")]
    [InlineData("12345\r\n")]
    [InlineData("12345")]
    public async Task ReadLineAsync_LineOfExactlyMaxLength_IsAccepted(string input)
    {
        using var reader = new ByteStreamReader(ChunkedStream.Of(input, chunkSize: 1), bufferSize: 1);
        Assert.Equal("12345", await reader.ReadLineAsync(maxLength: 5));
        Assert.Null(await reader.ReadLineAsync(maxLength: 5));
    }

    [Theory]
    [InlineData("123456\n", 1)]
    [InlineData("123456\r\n", 1)]
    [InlineData("123456", 1)]
    [InlineData("123456\n", 100)]
    [InlineData("123456\r\n", 100)]
    [InlineData("123456", 100)]
    public async Task ReadLineAsync_LineOneByteOverMaxLength_ThrowsReadLimitExceeded(string input, int chunkSize)
    {
        using var reader = new ByteStreamReader(ChunkedStream.Of(input, chunkSize), bufferSize: 1);

        var error = await Assert.ThrowsAsync<ReadLimitExceededException>(async () => await reader.ReadLineAsync(maxLength: 5));
        Assert.Equal(5, error.Limit);
        Assert.Equal(reader.BufferedCount, error.BufferedCount);
    }

    [Fact]
    public async Task ReadLineAsync_OverLimit_ThrowsAndKeepsBufferedBytes()
    {
        var input = new string('x', 100) + "\nnext\n";
        using var reader = new ByteStreamReader(ChunkedStream.Of(input, chunkSize: 7), bufferSize: 8);

        var error = await Assert.ThrowsAsync<ReadLimitExceededException>(async () => await reader.ReadLineAsync(maxLength: 10));
        Assert.Equal(10, error.Limit);
        Assert.True(reader.BufferedCount > 10, $"buffered {reader.BufferedCount}");

        // Nothing was consumed: a larger limit reads the same line from its first byte.
        Assert.Equal(new string('x', 100), await reader.ReadLineAsync(maxLength: 100));
        Assert.Equal("next", await reader.ReadLineAsync(maxLength: 10));
    }

    [Fact]
    public async Task ReadLineAsync_NegativeMaxLength_Throws()
    {
        using var reader = new ByteStreamReader(Memory("a\n"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = reader.ReadLineAsync(maxLength: -1); });
        Assert.Equal("maxLength", error.ParamName);
        Assert.Equal("a", await reader.ReadLineAsync()); // the failed call left the reader usable
    }

    // ---- ReadUntilAsync ----

    [Fact]
    public async Task ReadUntilAsync_SingleByteDelimiter_ReturnsMessagesIncludingDelimiter()
    {
        using var reader = new ByteStreamReader(Memory("a;bb;;ccc;"));

        Assert.Equal("a;", Text(await reader.ReadUntilAsync(";"u8.ToArray())));
        Assert.Equal("bb;", Text(await reader.ReadUntilAsync(";"u8.ToArray())));
        Assert.Equal(";", Text(await reader.ReadUntilAsync(";"u8.ToArray())));
        Assert.Equal("ccc;", Text(await reader.ReadUntilAsync(";"u8.ToArray())));
        Assert.True((await reader.ReadUntilAsync(";"u8.ToArray())).IsEmpty);
    }

    [Fact]
    public async Task ReadUntilAsync_MultiByteDelimiterSplitAtEveryPosition_IsFound()
    {
        const string message = "header: 1\r\n\r\n";
        for (var split = 1; split < message.Length; split++)
        {
            using var reader = new ByteStreamReader(ChunkedStream.OfChunks(message[..split], message[split..] + "rest"));

            Assert.Equal(message, Text(await reader.ReadUntilAsync(Blank)));
            Assert.Equal(4, reader.BufferedCount);
        }
    }

    [Fact]
    public async Task ReadUntilAsync_DelimiterSplitAcrossThreeChunks_IsFound()
    {
        using var reader = new ByteStreamReader(ChunkedStream.OfChunks("abc\r", "\n\r", "\nxyz\r\n\r\n"));

        Assert.Equal("abc\r\n\r\n", Text(await reader.ReadUntilAsync(Blank)));
        Assert.Equal("xyz\r\n\r\n", Text(await reader.ReadUntilAsync(Blank)));
        Assert.True((await reader.ReadUntilAsync(Blank)).IsEmpty);
    }

    [Fact]
    public async Task ReadUntilAsync_OneByteReads_FindsEveryMessage()
    {
        var messages = Enumerable.Range(0, 50).Select(i => $"message {i} " + new string('.', i) + "\r\n").ToArray();
        using var reader = new ByteStreamReader(ChunkedStream.Of(string.Concat(messages), chunkSize: 1), bufferSize: 1);

        foreach (var expected in messages)
        {
            Assert.Equal(expected, Text(await reader.ReadUntilAsync(CrLf)));
        }

        Assert.True((await reader.ReadUntilAsync(CrLf)).IsEmpty);
    }

    [Fact]
    public async Task ReadUntilAsync_PartialDelimiterFollowedByMismatch_KeepsSearching()
    {
        // "ab" looks like the start of "abc" twice before the real one; with one-byte reads each false start is seen
        // at the edge of the buffered bytes.
        using var reader = new ByteStreamReader(ChunkedStream.Of("xabababcy", chunkSize: 1));

        Assert.Equal("xabababc", Text(await reader.ReadUntilAsync("abc"u8.ToArray())));
        Assert.Equal(0, reader.BufferedCount); // it stopped reading at the delimiter
        Assert.Equal("y", Text(await reader.ReadExactlyAsync(1)));
    }

    [Fact]
    public async Task ReadUntilAsync_CleanEnd_ReturnsEmpty()
    {
        using var reader = new ByteStreamReader(Memory("done\n"));

        Assert.Equal("done\n", Text(await reader.ReadUntilAsync("\n"u8.ToArray())));
        Assert.True((await reader.ReadUntilAsync("\n"u8.ToArray())).IsEmpty);
        Assert.Equal(0, reader.BufferedCount);
    }

    [Fact]
    public async Task ReadUntilAsync_EndInsideMessage_ThrowsEndOfStreamAndKeepsBytes()
    {
        using var reader = new ByteStreamReader(ChunkedStream.Of("one\r\npartial", chunkSize: 4));

        Assert.Equal("one\r\n", Text(await reader.ReadUntilAsync(CrLf)));
        var error = await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadUntilAsync(CrLf));
        Assert.Contains("7 bytes", error.Message);
        Assert.Equal(7, reader.BufferedCount);

        var rest = new byte[16];
        var read = await reader.ReadAsync(rest);
        Assert.Equal("partial", Encoding.UTF8.GetString(rest, 0, read));
        Assert.Equal(0, await reader.ReadAsync(rest));
    }

    [Fact]
    public async Task ReadUntilAsync_OverLimit_ThrowsAndKeepsBufferedBytes()
    {
        var longMessage = new string('a', 1000);
        using var reader = new ByteStreamReader(ChunkedStream.Of(longMessage + "\r\nshort\r\n", chunkSize: 64), bufferSize: 16);

        var error = await Assert.ThrowsAsync<ReadLimitExceededException>(async () => await reader.ReadUntilAsync(CrLf, maxLength: 100));

        Assert.Equal(100, error.Limit);
        Assert.Equal(reader.BufferedCount, error.BufferedCount);
        Assert.InRange(reader.BufferedCount, 102, 102 + 64); // the window (limit + delimiter) plus at most one read
        Assert.Contains("100 bytes", error.Message);
        Assert.Contains("ReadAsync", error.Message);
        Assert.Contains("maxLength", error.Message);
        Assert.IsAssignableFrom<IOException>(error);

        // Skip the over-long message: the buffered bytes come first, in order, then the stream.
        var skipped = new StringBuilder();
        var chunk = new byte[50];
        while (skipped.Length < longMessage.Length)
        {
            var read = await reader.ReadAsync(chunk.AsMemory(0, Math.Min(chunk.Length, longMessage.Length - skipped.Length)));
            skipped.Append(Encoding.UTF8.GetString(chunk, 0, read));
        }

        Assert.Equal(longMessage, skipped.ToString());
        Assert.Equal("\r\n", Text(await reader.ReadUntilAsync(CrLf, maxLength: 100)));
        Assert.Equal("short\r\n", Text(await reader.ReadUntilAsync(CrLf, maxLength: 100)));
    }

    [Fact]
    public async Task ReadUntilAsync_OverLimitThenLargerMaxLength_ReturnsTheWholeMessage()
    {
        var message = new string('m', 300) + ";";
        using var reader = new ByteStreamReader(ChunkedStream.Of(message, chunkSize: 10), bufferSize: 8);

        await Assert.ThrowsAsync<ReadLimitExceededException>(async () => await reader.ReadUntilAsync(";"u8.ToArray(), maxLength: 100));
        Assert.Equal(message, Text(await reader.ReadUntilAsync(";"u8.ToArray(), maxLength: 300)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public async Task ReadUntilAsync_MessageOfExactlyMaxLength_IsAcceptedAndOneMoreIsNot(int chunkSize)
    {
        var exact = new string('e', 20) + "<END>";
        var tooLong = new string('t', 21) + "<END>";
        using var reader = new ByteStreamReader(ChunkedStream.Of(exact + tooLong, chunkSize), bufferSize: 4);

        Assert.Equal(exact, Text(await reader.ReadUntilAsync("<END>"u8.ToArray(), maxLength: 20)));
        await Assert.ThrowsAsync<ReadLimitExceededException>(async () => await reader.ReadUntilAsync("<END>"u8.ToArray(), maxLength: 20));
        Assert.Equal(tooLong, Text(await reader.ReadUntilAsync("<END>"u8.ToArray(), maxLength: 21)));
    }

    [Fact]
    public async Task ReadUntilAsync_TenMebibyteLineAgainstDefaultLimit_BuffersOnlyAboutTheLimit()
    {
        const int tenMiB = 10 << 20;
        var stream = new RepeatingStream("a"u8.ToArray(), totalLength: tenMiB);
        using var reader = new ByteStreamReader(stream, bufferSize: 4096);

        var error = await Assert.ThrowsAsync<ReadLimitExceededException>(async () => await reader.ReadUntilAsync(CrLf));

        Assert.Equal(65536, error.Limit);
        Assert.InRange(stream.BytesDelivered, 65536 + 2, 65536 + 2 + 4096);
        Assert.InRange(reader.BufferCapacity, 4096, 65536 + 2);
        Assert.Equal(stream.BytesDelivered, reader.BufferedCount);
    }

    [Fact]
    public async Task ReadUntilAsync_LongMessageInOneByteReads_SearchesEachByteAboutOnce()
    {
        // One mebibyte, one byte per read: a reader that rescanned its buffer after every read would compare about
        // 5 * 10^11 bytes here and take minutes; resuming where the last search stopped takes milliseconds.
        const int length = 1 << 20;
        var data = new byte[length + 2];
        data.AsSpan(0, length).Fill((byte)'z');
        "\r\n"u8.CopyTo(data.AsSpan(length));
        var stream = ChunkedStream.Of(data, chunkSize: 1);
        using var reader = new ByteStreamReader(stream, bufferSize: 16);

        var message = await reader.ReadUntilAsync(CrLf, maxLength: length);

        Assert.Equal(length + 2, message.Length);
        Assert.Equal(length + 2, stream.Reads);
        Assert.InRange(reader.BufferCapacity, length, length + 2);
    }

    [Fact]
    public async Task ReadUntilAsync_ReturnedMemory_IsTheMessageUntilTheNextCall()
    {
        using var reader = new ByteStreamReader(Memory("first|second|"), bufferSize: 64);

        var first = await reader.ReadUntilAsync("|"u8.ToArray());
        Assert.Equal("first|", Text(first));
        Assert.Equal("second|".Length, reader.BufferedCount);

        var second = await reader.ReadUntilAsync("|"u8.ToArray());
        Assert.Equal("second|", Text(second));
    }

    [Fact]
    public void ReadUntilAsync_EmptyDelimiter_Throws()
    {
        using var reader = new ByteStreamReader(Memory("x"));
        var error = Assert.Throws<ArgumentException>(() => { _ = reader.ReadUntilAsync(ReadOnlyMemory<byte>.Empty); });
        Assert.Equal("delimiter", error.ParamName);
    }

    // ---- ReadExactlyAsync ----

    [Fact]
    public async Task ReadExactlyAsync_FromOneByteReads_ReturnsExactBytes()
    {
        using var reader = new ByteStreamReader(ChunkedStream.Of("abcdefghij", chunkSize: 1), bufferSize: 4);

        Assert.Equal("abc", Text(await reader.ReadExactlyAsync(3)));
        Assert.Equal("defghi", Text(await reader.ReadExactlyAsync(6)));
        Assert.Equal("j", Text(await reader.ReadExactlyAsync(1)));
    }

    [Fact]
    public async Task ReadExactlyAsync_LargerThanBuffer_GrowsToFit()
    {
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        using var reader = new ByteStreamReader(ChunkedStream.Of(data, chunkSize: 333), bufferSize: 16);

        Assert.Equal(data[..10], (await reader.ReadExactlyAsync(10)).ToArray());
        Assert.Equal(data[10..], (await reader.ReadExactlyAsync(9_990)).ToArray());
        Assert.InRange(reader.BufferCapacity, 9_990, 10_000);
    }

    [Fact]
    public async Task ReadExactlyAsync_StreamEndsFirst_ThrowsEndOfStreamAndKeepsBytes()
    {
        using var reader = new ByteStreamReader(ChunkedStream.Of("12345", chunkSize: 2));

        var error = await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadExactlyAsync(8));
        Assert.Contains("5 of the 8 bytes", error.Message);
        Assert.Equal(5, reader.BufferedCount);
        Assert.Equal("12345", Text(await reader.ReadExactlyAsync(5)));
    }

    [Fact]
    public async Task ReadExactlyAsync_AtEndWithNothingBuffered_ThrowsEndOfStream()
    {
        using var reader = new ByteStreamReader(new MemoryStream());
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadExactlyAsync(1));
    }

    [Fact]
    public async Task ReadExactlyAsync_Zero_ReturnsEmptyWithoutReading()
    {
        var stream = ChunkedStream.Of("abc");
        using var reader = new ByteStreamReader(stream);

        Assert.True((await reader.ReadExactlyAsync(0)).IsEmpty);
        Assert.Equal(0, stream.Reads);
    }

    [Fact]
    public void ReadExactlyAsync_NegativeCount_Throws()
    {
        using var reader = new ByteStreamReader(Memory("x"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = reader.ReadExactlyAsync(-1); });
        Assert.Equal("count", error.ParamName);
    }

    // ---- ReadAsync ----

    [Fact]
    public async Task ReadAsync_BufferedBytesFirst_WithoutReadingTheStream()
    {
        var stream = ChunkedStream.OfChunks("line\nbuffered", "later");
        using var reader = new ByteStreamReader(stream);

        Assert.Equal("line", await reader.ReadLineAsync());
        var readsBefore = stream.Reads;

        var destination = new byte[100];
        var read = await reader.ReadAsync(destination);
        Assert.Equal("buffered", Encoding.UTF8.GetString(destination, 0, read));
        Assert.Equal(readsBefore, stream.Reads);

        read = await reader.ReadAsync(destination);
        Assert.Equal("later", Encoding.UTF8.GetString(destination, 0, read));
        Assert.Equal(0, await reader.ReadAsync(destination));
    }

    [Fact]
    public async Task ReadAsync_SmallDestination_ReturnsBufferedBytesInPieces()
    {
        using var reader = new ByteStreamReader(Memory("abcdef"));
        var two = new byte[2];

        var pieces = new List<string>();
        int read;
        while ((read = await reader.ReadAsync(two)) > 0)
        {
            pieces.Add(Encoding.UTF8.GetString(two, 0, read));
        }

        Assert.Equal(new[] { "ab", "cd", "ef" }, pieces);
    }

    [Fact]
    public async Task ReadAsync_DestinationAsLargeAsBuffer_ReadsStraightFromTheStream()
    {
        using var reader = new ByteStreamReader(Memory("0123456789"), bufferSize: 4);
        var destination = new byte[8];

        Assert.Equal(8, await reader.ReadAsync(destination));
        Assert.Equal(0, reader.BufferedCount);
        Assert.Equal("01234567", Encoding.UTF8.GetString(destination));
    }

    // ---- Mixed use ----

    [Fact]
    public async Task Mixed_HeaderLinesThenExactBodyThenDelimitedTrailer_ShareOneBuffer()
    {
        const string input = "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello<trailer>;rest";
        using var reader = new ByteStreamReader(ChunkedStream.Of(input, chunkSize: 3), bufferSize: 8);

        Assert.Equal("POST /x HTTP/1.1", await reader.ReadLineAsync());
        var header = await reader.ReadLineAsync();
        Assert.Equal("Content-Length: 5", header);
        Assert.Equal("", await reader.ReadLineAsync());
        Assert.Equal("hello", Text(await reader.ReadExactlyAsync(int.Parse(header!.Split(':')[1]))));
        Assert.Equal("<trailer>;", Text(await reader.ReadUntilAsync(";"u8.ToArray())));
        Assert.Equal("rest", await reader.ReadLineAsync());
    }

    // ---- Concurrency, cancellation, disposal ----

    [Fact]
    public async Task ReadLineAsync_WhileAnotherReadIsPending_ThrowsInvalidOperation()
    {
        var stream = new GatedStream();
        using var reader = new ByteStreamReader(stream);

        var first = reader.ReadLineAsync();
        Assert.False(first.IsCompleted);

        var error = Assert.Throws<InvalidOperationException>(() => { _ = reader.ReadUntilAsync(CrLf); });
        Assert.Contains("ReadUntilAsync", error.Message);
        Assert.Contains("one read at a time", error.Message);
        Assert.Throws<InvalidOperationException>(() => { _ = reader.ReadAsync(new byte[1]); });
        Assert.Throws<InvalidOperationException>(() => { _ = reader.ReadExactlyAsync(1); });

        stream.Supply("done\nnext\n");
        Assert.Equal("done", await first);
        Assert.Equal("next", await reader.ReadLineAsync()); // the reader is free again
    }

    [Fact]
    public async Task ReadUntilAsync_FailedRead_FreesTheReaderForTheNextCall()
    {
        using var reader = new ByteStreamReader(Memory("no delimiter here"));

        await Assert.ThrowsAsync<ReadLimitExceededException>(async () => await reader.ReadUntilAsync(CrLf, maxLength: 4));
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadUntilAsync(CrLf));
        Assert.Equal("no delimiter here", await reader.ReadLineAsync());
    }

    [Fact]
    public async Task ReadUntilAsync_AlreadyCancelledToken_ReturnsCanceledAndConsumesNothing()
    {
        using var reader = new ByteStreamReader(Memory("a\n"));
        var cancelled = new CancellationToken(canceled: true);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadUntilAsync("\n"u8.ToArray(), cancellationToken: cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadLineAsync(cancellationToken: cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadExactlyAsync(1, cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(new byte[1], cancelled));
        Assert.Equal("a", await reader.ReadLineAsync());
    }

    [Fact]
    public async Task ReadUntilAsync_CancelledWhileWaitingForTheStream_KeepsBufferedBytes()
    {
        var stream = new GatedStream();
        using var reader = new ByteStreamReader(stream);
        using var cts = new CancellationTokenSource();

        stream.Supply("partial mess");
        var pending = reader.ReadUntilAsync(CrLf, cancellationToken: cts.Token);
        Assert.False(pending.IsCompleted);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        Assert.Equal("partial mess".Length, reader.BufferedCount);

        stream.Supply("age\r\n");
        Assert.Equal("partial message\r\n", Text(await reader.ReadUntilAsync(CrLf)));
    }

    [Fact]
    public void Dispose_DisposesTheStream()
    {
        var stream = ChunkedStream.Of("x");
        var reader = new ByteStreamReader(stream);

        reader.Dispose();
        reader.Dispose();

        Assert.True(stream.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => { _ = reader.ReadLineAsync(); });
    }

    [Fact]
    public async Task DisposeAsync_DisposesTheStream()
    {
        var stream = ChunkedStream.Of("x");
        var reader = new ByteStreamReader(stream);

        await reader.DisposeAsync();

        Assert.True(stream.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => { _ = reader.ReadAsync(new byte[1]); });
    }

    [Fact]
    public async Task Dispose_LeaveOpen_LeavesTheStreamOpen()
    {
        var stream = ChunkedStream.Of("x");
        var reader = new ByteStreamReader(stream, leaveOpen: true);

        reader.Dispose();
        await reader.DisposeAsync();

        Assert.False(stream.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => { _ = reader.ReadExactlyAsync(1); });
    }

    // ---- Other streams, and on a loop ----

    [Fact]
    public async Task ReadLineAsync_OverPipeStream_ReadsLinesWrittenInPieces()
    {
        var pipe = new Pipe();
        using var reader = new ByteStreamReader(pipe.Reader.AsStream());

        var writer = Task.Run(async () =>
        {
            foreach (var piece in new[] { "hel", "lo\r", "\nwor", "ld\n", "tail" })
            {
                await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(piece));
            }

            await pipe.Writer.CompleteAsync();
        });

        Assert.Equal("hello", await reader.ReadLineAsync());
        Assert.Equal("world", await reader.ReadLineAsync());
        Assert.Equal("tail", await reader.ReadLineAsync());
        Assert.Null(await reader.ReadLineAsync());
        await writer;
    }

    [Fact]
    public void ReadUntilAsync_OnLoopWithPipeStreamAndWriterTask_ResumesOnTheLoopThread()
    {
        var lines = new List<string>();
        var threads = new HashSet<int>();

        TestLoops.RunVirtual(async () =>
        {
            var loopThread = Environment.CurrentManagedThreadId;
            var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline));
            await using var reader = new ByteStreamReader(pipe.Reader.AsStream());

            async Task WriteAsync()
            {
                foreach (var piece in new[] { "a", "b\r", "\n", "cd\r\nef", "\r\n" })
                {
                    await EventLoop.Yield();
                    await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(piece));
                }

                await pipe.Writer.CompleteAsync();
            }

            var writer = WriteAsync();
            ReadOnlyMemory<byte> message;
            while (!(message = await reader.ReadUntilAsync(CrLf)).IsEmpty)
            {
                lines.Add(Text(message));
                threads.Add(Environment.CurrentManagedThreadId - loopThread);
            }

            await writer;
        });

        Assert.Equal(new[] { "ab\r\n", "cd\r\n", "ef\r\n" }, lines);
        Assert.Equal(new[] { 0 }, threads);
    }

    [Fact]
    public void ReadLineAsync_OnLoopWithStreamCompletingOnThreadPool_ResumesOnTheLoopThread()
    {
        var lines = new List<string>();
        var offLoop = 0;

        TestLoops.RunVirtual(async () =>
        {
            var loopThread = Environment.CurrentManagedThreadId;
            var pipe = new Pipe(); // its reads complete on thread-pool threads
            await using var reader = new ByteStreamReader(pipe.Reader.AsStream());

            var writer = Task.Run(async () =>
            {
                for (var i = 0; i < 20; i++)
                {
                    await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes($"line {i}\n"));
                    await Task.Delay(1);
                }

                await pipe.Writer.CompleteAsync();
            });

            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Add(line);
                offLoop += Environment.CurrentManagedThreadId == loopThread ? 0 : 1;
            }

            await writer;
        });

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"line {i}"), lines);
        Assert.Equal(0, offLoop);
    }

    [Fact]
    public void AllMethods_OnLoopWithReadsThatCompleteAsynchronously_Work()
    {
        var results = new List<string>();

        TestLoops.RunVirtual(async () =>
        {
            var input = "line one\r\nfield;" + "0123456789" + "line two\n" + "rest";
            await using var reader = new ByteStreamReader(new YieldingStream(ChunkedStream.Of(input, chunkSize: 3)), bufferSize: 4);

            results.Add((await reader.ReadLineAsync())!);
            results.Add(Text(await reader.ReadUntilAsync(";"u8.ToArray())));
            results.Add(Text(await reader.ReadExactlyAsync(10)));
            results.Add((await reader.ReadLineAsync())!);

            var rest = new StringBuilder();
            var destination = new byte[16];
            int read;
            while ((read = await reader.ReadAsync(destination)) > 0)
            {
                rest.Append(Encoding.UTF8.GetString(destination, 0, read));
            }

            results.Add(rest.ToString());
            results.Add((await reader.ReadLineAsync()) ?? "<end>");
        });

        Assert.Equal(new[] { "line one", "field;", "0123456789", "line two", "rest", "<end>" }, results);
    }

    private static MemoryStream Memory(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}

/// <summary>
/// Invariant 5 for <see cref="ByteStreamReader"/>: once warm, reading allocates nothing, whether a call completes from
/// the buffer, from a stream read that completes synchronously, or from one that completes asynchronously on the loop
/// (the reader's pooled state machines). The stream delivers 7 bytes per read against 18-byte records and a 32-byte
/// buffer, so every path runs: found in the buffer, split across reads (delimiter included), compaction.
/// </summary>
/// <remarks>Measured in windows, like <see cref="Sync.SyncSteadyStateAllocationTests"/> and for the same reason: a
/// collection started by another thread can move this thread's counter once without any allocation on it.</remarks>
[Collection(AllocationMeasurements.Name)]
public class ByteStreamReaderAllocationTests
{
    private const int WarmUp = 1_000;
    private const int Measured = 10_000;
    private const int MaxWindows = 3;

    private static readonly byte[] Record = "0123456789abcdef\r\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> CrLf = "\r\n"u8.ToArray();

    public enum Operation
    {
        ReadUntil,
        ReadExactly,
        Read,
    }

    [Theory]
    [InlineData(Operation.ReadUntil)]
    [InlineData(Operation.ReadExactly)]
    [InlineData(Operation.Read)]
    public void Reads_FromSynchronousStream_AllocateNothingInSteadyState(Operation operation) =>
        AssertSomeWindowAllocatedNothing(Measure(operation, () => new RepeatingStream(Record, maxRead: 7)));

    [Theory]
    [InlineData(Operation.ReadUntil)]
    [InlineData(Operation.ReadExactly)]
    [InlineData(Operation.Read)]
    public void Reads_FromAsynchronousStreamOnLoop_AllocateNothingInSteadyState(Operation operation) =>
        AssertSomeWindowAllocatedNothing(Measure(operation, () => new YieldingStream(new RepeatingStream(Record, maxRead: 7))));

    private static Meter Measure(Operation operation, Func<Stream> createStream)
    {
        var meter = new Meter();

        TestLoops.RunVirtual(async () =>
        {
            await using var reader = new ByteStreamReader(createStream(), bufferSize: 32);
            var destination = new byte[5];
            while (!meter.Done)
            {
                switch (operation)
                {
                    case Operation.ReadUntil:
                        Check((await reader.ReadUntilAsync(CrLf)).Span.SequenceEqual(Record));
                        break;
                    case Operation.ReadExactly:
                        Check((await reader.ReadExactlyAsync(Record.Length)).Span.SequenceEqual(Record));
                        break;
                    case Operation.Read:
                        Check(await reader.ReadAsync(destination) > 0);
                        break;
                }

                meter.Step();
            }
        });

        return meter;

        static void Check(bool condition)
        {
            if (!condition)
            {
                throw new InvalidOperationException("The reader returned the wrong bytes.");
            }
        }
    }

    private static void AssertSomeWindowAllocatedNothing(Meter meter) =>
        Assert.True(
            meter.Windows.Contains(0),
            $"Every window of {Measured} reads allocated: {string.Join(", ", meter.Windows)} bytes.");

    /// <summary>
    /// Counts reads; after <see cref="WarmUp"/> of them, records the bytes allocated by each following window of
    /// <see cref="Measured"/>, until a window allocated nothing or <see cref="MaxWindows"/> were recorded.
    /// </summary>
    private sealed class Meter
    {
        private int _steps;
        private long _windowStart;

        public List<long> Windows { get; } = new(MaxWindows);

        public bool Done { get; private set; }

        public void Step()
        {
            _steps++;
            if (_steps == WarmUp)
            {
                _windowStart = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (_steps > WarmUp && (_steps - WarmUp) % Measured == 0)
            {
                var end = GC.GetAllocatedBytesForCurrentThread();
                Windows.Add(end - _windowStart);
                Done = end == _windowStart || Windows.Count == MaxWindows;
                _windowStart = GC.GetAllocatedBytesForCurrentThread();
            }
        }
    }
}
