using System.Collections;

namespace CoopRuntime.Tests.Coroutines;

/// <summary>The <see cref="CoroutineHandle"/> struct: the default handle, equality, description, and its thread rule.</summary>
public class CoroutineHandleTests
{
    private static IEnumerator Forever()
    {
        while (true)
        {
            yield return null;
        }
    }

    [Fact]
    public void Default_NamesNoCoroutine_IsNotRunning_AndStopDoesNothing()
    {
        var handle = default(CoroutineHandle);

        handle.Stop();

        Assert.False(handle.IsRunning);
        Assert.Null(handle.Name);
        Assert.Equal("CoroutineHandle (none)", handle.ToString());
        Assert.Equal(default, handle);
    }

    [Fact]
    public void Equality_HoldsForCopiesOfOneHandle_AndNotBetweenTwoCoroutines()
    {
        EventLoop.Run(() =>
        {
            var loop = EventLoop.Current!;
            var first = loop.StartDetached(Forever(), name: "first");
            var copy = first;
            var second = loop.StartDetached(Forever(), name: "second");

            Assert.True(first == copy);
            Assert.True(first.Equals((object)copy));
            Assert.Equal(first.GetHashCode(), copy.GetHashCode());
            Assert.True(first != second);
            Assert.NotEqual(default, first);
            Assert.Equal("CoroutineHandle 'first' (running)", first.ToString());

            first.Stop();
            second.Stop();
            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Stop_OffTheLoopThread_ThrowsWrongThread_AndIsRunningCanBeReadFromAnyThread()
    {
        EventLoop.Run(async () =>
        {
            var handle = EventLoop.Current!.StartDetached(Forever());

            var (running, error) = await Task.Run(() => (handle.IsRunning, Record.Exception(handle.Stop)));

            Assert.True(running);
            Assert.IsType<WrongThreadException>(error);
            Assert.True(handle.IsRunning);
            handle.Stop();
        });
    }
}
