using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Docs;

/// <summary>Keeps README.md's example compiling and true: the code below is the README's, verbatim.</summary>
[Collection(ConsoleOutput.Name)] // redirects Console.Out
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_RunsAndReturnsItsAnswer()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int answer;
        try
        {
            answer = EventLoop.Run(async () =>
            {
                var loop = EventLoop.Current!;
                loop.CallLater(TimeSpan.FromMilliseconds(50), () => Console.WriteLine("timer fired"));

                await using (var group = new TaskGroup())            // structured concurrency: children cannot outlive the block
                {
                    group.Spawn(async ct => { await EventLoop.Sleep(TimeSpan.FromMilliseconds(100), ct); Console.WriteLine("a"); });
                    group.Spawn(async ct => { await Task.Run(() => Thread.Sleep(10)); Console.WriteLine("b, back on the loop thread"); });
                }

                using var scope = CancelScope.After(TimeSpan.FromSeconds(5));  // a timeout on the loop's clock
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(10), scope.Token);
                return 42;
            });
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(42, answer);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { "a", "b, back on the loop thread", "timer fired" }.Order(), lines.Order());
    }

    private sealed class Led
    {
        public bool IsOn { get; private set; }

        public int Toggles { get; private set; }

        public void Toggle()
        {
            IsOn = !IsOn;
            Toggles++;
        }

        public void Off() => IsOn = false;
    }

    // README.md's coroutine example, verbatim.
    private static IEnumerator Blink(Led led)
    {
        try { while (true) { led.Toggle(); yield return Wait.Seconds(0.5); } }
        finally { led.Off(); }
    }

    [Fact]
    public void ReadmeCoroutineExample_StopRunsTheFinallyBlock()
    {
        var led = new Led();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            Coroutine blink = loop.Start(Blink(led), name: "blink");
            await EventLoop.Sleep(TimeSpan.FromSeconds(1.25)); // toggled at 0, 0.5 and 1 s: on
            Assert.True(led.IsOn);
            blink.Stop();   // led.Off() has run when Stop returns; anyone awaiting blink sees cancellation
            Assert.False(led.IsOn);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blink);
        }, TestLoops.Virtual());

        Assert.Equal(3, led.Toggles);
    }
}
