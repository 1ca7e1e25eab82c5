using System.Text;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Files;

public sealed class LoopFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("coopruntime-files-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    [Fact]
    public void WriteThenRead_TextAndBytes_RoundTripAndResumeOnTheLoopThread()
    {
        var loopThread = 0;
        var resumedOn = new HashSet<int>();
        string? text = null, appended = null;
        byte[]? bytes = null;

        TestLoops.RunVirtual(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            await LoopFile.WriteAllTextAsync(PathOf("a.txt"), "héllo");
            resumedOn.Add(Environment.CurrentManagedThreadId);
            text = await LoopFile.ReadAllTextAsync(PathOf("a.txt"));
            resumedOn.Add(Environment.CurrentManagedThreadId);
            await LoopFile.AppendAllTextAsync(PathOf("a.txt"), " world");
            appended = await LoopFile.ReadAllTextAsync(PathOf("a.txt"), Encoding.UTF8);
            await LoopFile.WriteAllBytesAsync(PathOf("b.bin"), [1, 2, 3]);
            bytes = await LoopFile.ReadAllBytesAsync(PathOf("b.bin"));
            resumedOn.Add(Environment.CurrentManagedThreadId);
        });

        Assert.Equal("héllo", text);
        Assert.Equal("héllo world", appended);
        Assert.Equal(new byte[] { 1, 2, 3 }, bytes);
        Assert.Equal(new[] { loopThread }, resumedOn);
    }

    [Fact]
    public void WriteAllTextAsync_WithEncoding_WritesThatEncoding()
    {
        TestLoops.RunVirtual(() => LoopFile.WriteAllTextAsync(PathOf("u16.txt"), "ab", Encoding.Unicode));

        Assert.Equal("ab", File.ReadAllText(PathOf("u16.txt"), Encoding.Unicode));
    }

    [Fact]
    public void OpenReadAsync_StreamReadsResumeOnTheLoop()
    {
        File.WriteAllBytes(PathOf("c.bin"), Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray());
        var loopThread = 0;
        var resumedOn = new HashSet<int>();
        long total = 0;

        TestLoops.RunVirtual(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            await using var stream = await LoopFile.OpenReadAsync(PathOf("c.bin"));
            var buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                resumedOn.Add(Environment.CurrentManagedThreadId);
                total += read;
            }
        });

        Assert.Equal(100_000, total);
        Assert.Equal(new[] { loopThread }, resumedOn);
    }

    [Fact]
    public void ReadAllTextAsync_MissingFile_ThrowsFileNotFoundOnTheLoop()
    {
        Exception? caught = null;

        TestLoops.RunVirtual(async () => caught = await Record.ExceptionAsync(() => LoopFile.ReadAllTextAsync(PathOf("missing.txt"))));

        Assert.IsType<FileNotFoundException>(caught);
    }

    [Fact]
    public void WriteAllTextAsync_AlreadyCancelled_DoesNotWrite()
    {
        Exception? caught = null;

        TestLoops.RunVirtual(() =>
        {
            caught = Record.Exception(() => { _ = LoopFile.WriteAllTextAsync(PathOf("never.txt"), "x", new CancellationToken(true)); });
            return Task.CompletedTask;
        });

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
        Assert.False(File.Exists(PathOf("never.txt")));
    }

    [Fact]
    public void BadArguments_ThrowArgumentExceptionsNamingTheArgument()
    {
        TestLoops.RunVirtual(() =>
        {
            Assert.Throws<ArgumentException>("path", () => { _ = LoopFile.ReadAllBytesAsync(""); });
            Assert.Throws<ArgumentNullException>("path", () => { _ = LoopFile.ReadAllTextAsync(null!); });
            Assert.Throws<ArgumentNullException>("bytes", () => { _ = LoopFile.WriteAllBytesAsync(PathOf("x"), null!); });
            Assert.Throws<ArgumentNullException>("encoding", () => { _ = LoopFile.ReadAllTextAsync(PathOf("x"), null!); });
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void NoLoop_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => { _ = LoopFile.ReadAllBytesAsync(PathOf("x")); });
    }
}
