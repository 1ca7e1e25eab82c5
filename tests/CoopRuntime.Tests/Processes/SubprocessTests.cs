using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace CoopRuntime.Tests.Processes;

/// <summary>Real child processes on a real clock: no timing assertions, generous deadlines only against hangs.</summary>
public class SubprocessTests
{
    private const int TenMiB = 10 * 1024 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static T RunReal<T>(Func<Task<T>> main) => EventLoop.Run(async () => await main().WaitAsync(Patience));

    private static void RunReal(Func<Task> main) => EventLoop.Run(async () => await main().WaitAsync(Patience));

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    [Fact]
    public void RunAsync_ChildWritesTenMiBToStderrThenTenMiBToStdout_FinishesWithEverythingCaptured()
    {
        var result = RunReal(() => Subprocess.RunAsync(
            "sh",
            ["-c", $"head -c {TenMiB} /dev/zero >&2; head -c {TenMiB} /dev/zero"]));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TenMiB, result.Output.Length);
        Assert.Equal(TenMiB, result.Error.Length);
        Assert.False(result.OutputTruncated);
        Assert.False(result.ErrorTruncated);
    }

    [Fact]
    public void RunAsync_OutputPastTheLimit_KeepsTheLimitDrainsTheRestAndReportsTruncation()
    {
        var result = RunReal(() => Subprocess.RunAsync(
            "sh",
            ["-c", $"head -c {TenMiB} /dev/zero | tr '\\0' 'x' >&2; head -c {TenMiB} /dev/zero | tr '\\0' 'y'"],
            new SubprocessRunOptions { MaxOutputBytes = 1000 }));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new string('y', 1000), result.Output);
        Assert.Equal(new string('x', 1000), result.Error);
        Assert.True(result.OutputTruncated);
        Assert.True(result.ErrorTruncated);
    }

    [Fact]
    public void StartAsync_BothPipesReadConcurrentlyFromTheLoop_TenMiBEachArrivesAndReadsResumeOnTheLoop()
    {
        var loopThread = 0;
        var resumedOn = new HashSet<int>();

        var (stdout, stderr, exitCode) = RunReal(async () =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            await using var child = await Subprocess.StartAsync("sh", ["-c", $"head -c {TenMiB} /dev/zero >&2; head -c {TenMiB} /dev/zero"]);
            async Task<long> CountAsync(Stream stream)
            {
                var buffer = new byte[32 * 1024];
                long total = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer)) > 0)
                {
                    resumedOn.Add(Environment.CurrentManagedThreadId);
                    total += read;
                }

                return total;
            }

            var output = CountAsync(child.StandardOutput);
            var error = CountAsync(child.StandardError);
            child.StandardInput.Dispose();
            var exit = await child.WaitForExitAsync();
            return (await output, await error, exit);
        });

        Assert.Equal(TenMiB, stdout);
        Assert.Equal(TenMiB, stderr);
        Assert.Equal(0, exitCode);
        Assert.Equal(new[] { loopThread }, resumedOn);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    public void RunAsync_ExitCode_IsReported(int code)
    {
        var result = RunReal(() => Subprocess.RunAsync("sh", ["-c", $"echo out; echo err >&2; exit {code}"]));

        Assert.Equal(code, result.ExitCode);
        Assert.Equal("out\n", result.Output);
        Assert.Equal("err\n", result.Error);
    }

    [Fact]
    public void StartAsync_WaitForExitAsync_ReturnsTheExitCodeAndExitCodeIsNullUntilThen()
    {
        int? before = -1, after = -1;
        var returned = -1;

        RunReal(async () =>
        {
            await using var child = await Subprocess.StartAsync("sh", ["-c", "read line; exit 3"]);
            before = child.ExitCode;
            child.StandardInput.Dispose(); // end-of-file: read returns and the shell exits
            returned = await child.WaitForExitAsync();
            after = child.ExitCode;
        });

        Assert.Null(before);
        Assert.Equal(3, returned);
        Assert.Equal(3, after);
    }

    [Fact]
    public void RunAsync_StandardInput_IsPipedThroughCat()
    {
        var text = "hello\nworld\n" + new string('z', 200_000) + "\n";

        var result = RunReal(() => Subprocess.RunAsync("cat", [], new SubprocessRunOptions { StandardInput = text }));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(text, result.Output);
    }

    [Fact]
    public void StartAsync_WriteToCatAndReadLines_LinesComeBack()
    {
        var lines = new List<string>();

        RunReal(async () =>
        {
            await using var child = await Subprocess.StartAsync("cat", []);
            await child.StandardInput.WriteAsync(Encoding.UTF8.GetBytes("one\ntwo\nthree\n"));
            await child.StandardInput.DisposeAsync();
            await foreach (var line in child.ReadOutputLinesAsync())
            {
                lines.Add(line);
            }

            await child.WaitForExitAsync();
        });

        Assert.Equal(new[] { "one", "two", "three" }, lines);
    }

    [Fact]
    public void ReadErrorLinesAsync_ReadsStandardError()
    {
        var lines = new List<string>();

        RunReal(async () =>
        {
            await using var child = await Subprocess.StartAsync("sh", ["-c", "echo a >&2; echo b >&2"]);
            await foreach (var line in child.ReadErrorLinesAsync())
            {
                lines.Add(line);
            }
        });

        Assert.Equal(new[] { "a", "b" }, lines);
    }

    [Fact]
    public void RunAsync_Cancelled_KillsTheProcessAndThrowsOperationCanceled()
    {
        var pidFile = Path.GetTempFileName();
        Exception? caught = null;
        var pid = 0;
        try
        {
            RunReal(async () =>
            {
                using var cts = new CancellationTokenSource();
                var run = Subprocess.RunAsync("sh", ["-c", $"echo $$ > {pidFile}; exec sleep 600"], cancellationToken: cts.Token);
                while (!int.TryParse(File.ReadAllText(pidFile).Trim(), out pid))
                {
                    await EventLoop.Sleep(TimeSpan.FromMilliseconds(10));
                }

                cts.Cancel();
                caught = await Record.ExceptionAsync(() => run);
            });
        }
        finally
        {
            File.Delete(pidFile);
        }

        Assert.IsAssignableFrom<OperationCanceledException>(caught);
        Assert.False(IsRunning(pid));
    }

    [Fact]
    public void RunAsync_Timeout_KillsTheProcessAndThrowsTimeoutException()
    {
        var error = Assert.Throws<TimeoutException>(() => RunReal(() => Subprocess.RunAsync(
            "sleep",
            ["600"],
            new SubprocessRunOptions { Timeout = TimeSpan.FromMilliseconds(200) })));

        Assert.Contains("sleep 600", error.Message);
    }

    [Fact]
    public void DisposeAsync_ProcessStillRunning_KillsIt()
    {
        var pid = 0;

        RunReal(async () =>
        {
            var child = await Subprocess.StartAsync("sleep", ["600"]);
            pid = child.Id;
            await child.DisposeAsync();
        });

        Assert.NotEqual(0, pid);
        Assert.False(IsRunning(pid));
    }

    [Fact]
    public void Kill_EndsTheProcessWithSigkillsExitCode()
    {
        var exitCode = RunReal(async () =>
        {
            await using var child = await Subprocess.StartAsync("sleep", ["600"]);
            child.Kill();
            return await child.WaitForExitAsync();
        });

        Assert.Equal(128 + 9, exitCode);
    }

    [Fact]
    public void StartAsync_NoSuchProgram_ThrowsWin32Exception()
    {
        var error = Record.Exception(() => RunReal(() => Subprocess.StartAsync("/no/such/program-coopruntime", [])));

        Assert.IsType<Win32Exception>(error);
    }

    [Fact]
    public void StartAsync_BadArguments_ThrowArgumentExceptionsNamingTheArgument()
    {
        RunReal(() =>
        {
            Assert.Throws<ArgumentException>("fileName", () => { _ = Subprocess.StartAsync("", []); });
            Assert.Throws<ArgumentNullException>("arguments", () => { _ = Subprocess.StartAsync("sh", null!); });
            Assert.Throws<ArgumentException>("startInfo", () => { _ = Subprocess.StartAsync(new ProcessStartInfo("sh") { UseShellExecute = true }); });
            Assert.Throws<ArgumentException>("startInfo", () => { _ = Subprocess.StartAsync(new ProcessStartInfo()); });
            Assert.Throws<ArgumentOutOfRangeException>("options", () => { _ = Subprocess.RunAsync("sh", [], new SubprocessRunOptions { MaxOutputBytes = -1 }); });
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void StandardOutput_NotRedirected_ThrowsInvalidOperationSayingWhatToSet()
    {
        Exception? error = null;

        RunReal(async () =>
        {
            await using var child = await Subprocess.StartAsync(new ProcessStartInfo("true") { UseShellExecute = false });
            error = Record.Exception(() => child.StandardOutput);
            await child.WaitForExitAsync();
        });

        Assert.Contains("RedirectStandardOutput", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void StartAsync_NoLoop_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => { _ = Subprocess.StartAsync("true", []); });
    }
}
