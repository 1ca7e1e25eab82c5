using System.Threading.Channels;
using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Sync;

public class LoopChannelUnboundedTests : LoopChannelTestBase
{
    protected override Channel<int> CreateChannel() => LoopChannel.CreateUnbounded<int>();

    [Fact]
    public void TryWrite_ManyItems_NeverRefusesAndWaitToWriteIsTrueAtOnce()
    {
        var count = 0;
        var canWrite = false;

        TestLoops.RunVirtual(async () =>
        {
            var channel = LoopChannel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
            for (var i = 0; i < 100_000; i++)
            {
                Assert.True(channel.Writer.TryWrite(i));
            }

            var wait = channel.Writer.WaitToWriteAsync();
            Assert.True(wait.IsCompleted);
            canWrite = await wait;
            count = channel.Reader.Count;
        });

        Assert.True(canWrite);
        Assert.Equal(100_000, count);
    }

    [Fact]
    public void CreateUnbounded_IsARealSystemThreadingChannelsChannel()
    {
        Channel<string> channel = LoopChannel.CreateUnbounded<string>();

        Assert.IsAssignableFrom<ChannelReader<string>>(channel.Reader);
        Assert.IsAssignableFrom<ChannelWriter<string>>(channel.Writer);
        Assert.Throws<ArgumentNullException>(() => LoopChannel.CreateUnbounded<int>(null!));
    }
}
