using System.Collections;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Docs;

/// <summary>
/// Keeps README.md's examples compiling and true: each <c>#region guide: ...</c> below is one of its code blocks,
/// verbatim (<see cref="Readme_ContainsEveryExampleVerbatim"/> checks that), run and checked against what the README says.
/// </summary>
[Collection(ConsoleOutput.Name)] // redirects Console.Out
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_RunsAndReturnsItsAnswer()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            #region guide: readme first example
            var answer = EventLoop.Run(async () =>
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
            #endregion
            Assert.Equal(42, answer);
        }
        finally
        {
            Console.SetOut(original);
        }

        // Real time: the thread-pool sleep may finish before or after the 50 ms timer on a loaded machine, so only the
        // set of lines is fixed, not their order. All three printed before Run returned: the group awaited its children.
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { "a", "b, back on the loop thread", "timer fired" }.Order(), lines.Order());
    }

    private sealed class Led
    {
        /// <summary>What happened to the LED, in order: "on" and "off" for toggles, "Off()" for the explicit switch-off.</summary>
        public List<string> Log { get; } = [];

        public bool IsOn { get; private set; }

        public void Toggle()
        {
            IsOn = !IsOn;
            Log.Add(IsOn ? "on" : "off");
        }

        public void Off()
        {
            IsOn = false;
            Log.Add("Off()");
        }
    }

    [Fact]
    public void ReadmeCoroutineExample_BlinksUntilStopped_StopRunsTheFinallyBlock_AwaitersSeeCancellation()
    {
        var led = new Led();
        EventLoop.Run(async () =>
        {
            var loop = EventLoop.Current!;
            #region guide: readme blink
            IEnumerator Blink(Led led)
            {
                try { while (true) { led.Toggle(); yield return Wait.Seconds(0.5); } }
                finally { led.Off(); }
            }

            Coroutine blink = loop.Start(Blink(led), name: "blink");
            await EventLoop.Sleep(TimeSpan.FromSeconds(1.25));   // meanwhile it blinks: on at 0 s, off at 0.5 s, on at 1 s
            blink.Stop();   // led.Off() has run when Stop returns; anyone awaiting blink sees cancellation
            #endregion

            // Checked before anything else can run: the finally block ran inside Stop, not at a later iteration.
            Assert.Equal(["on", "off", "on", "Off()"], led.Log);
            Assert.False(led.IsOn);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blink);
        }, TestLoops.Virtual());

        // Stopped for good: no toggle after Stop, though the loop ran on to shut down.
        Assert.Equal(["on", "off", "on", "Off()"], led.Log);
    }

    [Fact]
    public void Readme_ContainsEveryExampleVerbatim()
    {
        GuideText.AssertGuideContainsRegions("README.md", "tests/CoopRuntime.Tests/Docs/ReadmeExampleTests.cs", 2);
        GuideText.AssertGuideHasCSharpBlocks("README.md", 2);
    }
}
