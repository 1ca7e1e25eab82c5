using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Docs;

/// <summary>
/// Keeps docs/index.md's first program compiling and true: the <c>#region guide: ...</c> below is the page's code
/// block, verbatim (<see cref="Page_ContainsTheExampleVerbatim"/> checks that), run with its output captured.
/// </summary>
[Collection(ConsoleOutput.Name)]
public sealed class DocsIndexExampleTests
{
    [Fact]
    public void FirstProgram_PrintsTheTimerThenDone()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            #region guide: first program
            EventLoop.Run(async () =>
            {
                var loop = EventLoop.Current!;
                loop.CallLater(TimeSpan.FromMilliseconds(100), () => Console.WriteLine("a timer fired"));
                await EventLoop.Sleep(TimeSpan.FromMilliseconds(200));     // every await resumes on the loop thread
                Console.WriteLine("done");
            });
            #endregion
        }
        finally
        {
            Console.SetOut(original);
        }

        // Only the example's own lines: a test of another collection may print to the console meanwhile.
        var lines = output.ToString().Split(Environment.NewLine).Where(line => line is "a timer fired" or "done");
        Assert.Equal(["a timer fired", "done"], lines);
    }

    [Fact]
    public void Page_ContainsTheExampleVerbatim()
    {
        GuideText.AssertGuideContainsRegions("docs/index.md", "tests/CoopRuntime.Tests/Docs/DocsIndexExampleTests.cs", 1);
        GuideText.AssertGuideHasCSharpBlocks("docs/index.md", 1);
    }
}
