namespace CoopRuntime.Tests.Docs;

/// <summary>Keeps README.md's example compiling and true: the code below is the README's, verbatim.</summary>
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
}
