using System.Diagnostics;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Signals;

/// <summary>Ctrl+C in EventLoop.Run, tested on a child process (tests/CoopRuntime.TestWorker) that receives SIGINT.</summary>
public class CtrlCTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_CtrlC_MainAndSpawnedFinallyBlocksRunAndExitCodeIs130()
    {
        var (exitCode, lines) = await RunAndInterruptAsync("signal-demo", interrupts: 1);

        Assert.Equal(130, exitCode);
        Assert.Contains("main-finally", lines);
        Assert.Contains("spawned-finally", lines);
        Assert.Equal("interrupted", lines[^1]);
        Assert.DoesNotContain("returned", lines);
    }

    [Fact]
    public async Task Run_WithoutToken_CtrlC_SpawnedFinallyRunsAndExitCodeIs130()
    {
        var (exitCode, lines) = await RunAndInterruptAsync("signal-notoken", interrupts: 1);

        Assert.Equal(130, exitCode);
        Assert.Contains("spawned-finally", lines);
        Assert.Equal("interrupted", lines[^1]);
    }

    [Fact]
    public async Task Run_MainIgnoresCtrlC_SecondCtrlCEndsTheProcessWith130()
    {
        var (exitCode, lines) = await RunAndInterruptAsync("signal-stubborn", interrupts: 2);

        Assert.Equal(130, exitCode);
        Assert.Contains("first-ctrl-c", lines);
    }

    [Fact]
    public void Run_ByDefault_MainTokenIsCancellableByCtrlC()
    {
        var canBeCanceled = EventLoop.Run(ct => Task.FromResult(ct.CanBeCanceled), TestLoops.Virtual());

        Assert.True(canBeCanceled);
    }

    [Fact]
    public void Run_HandleCtrlCOff_MainTokenNeverCancels()
    {
        var canBeCanceled = EventLoop.Run(
            ct => Task.FromResult(ct.CanBeCanceled),
            new EventLoopOptions { Clock = new VirtualClock(), HandleCtrlC = false });

        Assert.False(canBeCanceled);
    }

    [Fact]
    public void Run_MainCancelledByItsOwnToken_StaysAnOrdinaryCancellation()
    {
        var error = Record.Exception(() => EventLoop.Run(_ => Task.FromCanceled(new CancellationToken(true)), TestLoops.Virtual()));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.IsNotType<KeyboardInterruptException>(error);
    }

    private static async Task<(int ExitCode, List<string> Lines)> RunAndInterruptAsync(string mode, int interrupts)
    {
        var info = TestWorkerApp.StartInfo(mode);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var child = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(Patience);
        var lines = new List<string>();
        var errors = child.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line == "ready")
                {
                    Assert.False(
                        TestWorkerApp.IgnoresSignal(child.Id, TestWorkerApp.SIGINT),
                        "The child ignores SIGINT because this test process does (it was started in the background by a shell " +
                        "without job control, which sets SIGINT to SIG_IGN, and children inherit that). Run the tests in the " +
                        "foreground or with 'set -m'.");
                    TestWorkerApp.Kill(child.Id, TestWorkerApp.SIGINT);
                }
                else if (line == "first-ctrl-c" && interrupts > 1)
                {
                    TestWorkerApp.Kill(child.Id, TestWorkerApp.SIGINT);
                }
            }

            await child.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }

        Assert.True(lines.Contains("ready"), $"The child never became ready. Its output: {string.Join(" | ", lines)}; errors: {await errors}");
        return (child.ExitCode, lines);
    }
}
