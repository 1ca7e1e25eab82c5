using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Net;

/// <summary>
/// File-descriptor accounting. These read the process-wide count in /proc/self/fd, so they run alone (in the
/// collection that other tests do not run beside), where no other test opens or closes descriptors meanwhile.
/// </summary>
public abstract class SocketCleanupTests : NetworkTestBase
{
    [Fact]
    public void OpenAndCloseTenThousandConnections_FileDescriptorCountReturnsToBaseline()
    {
        var (baseline, after) = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var before = OpenFileDescriptorCount();
            for (var i = 0; i < 10_000; i++)
            {
                var (client, accepted) = await ConnectPairAsync(server, ct);

                // The server side closes first, so TIME_WAIT stays on its side and client ports are free to reuse.
                accepted.Dispose();
                client.Dispose();
            }

            return (before, OpenFileDescriptorCount());
        });

        Assert.Equal(baseline, after);
    }

    [Fact]
    public void LoopShutdown_ClosesSocketsLeftOpen()
    {
        var baseline = OpenFileDescriptorCount();
        EventLoop? captured = null;
        Run(async ct =>
        {
            captured = EventLoop.Current;
            var server = TcpServer.Listen(AnyLoopbackPort);
            _ = await ConnectPairAsync(server, ct); // deliberately never disposed
            Assert.Equal(3, EventLoop.Current!.Driver.OpenSocketCount);
        });

        Assert.Equal(0, captured!.Driver.OpenSocketCount);
        Assert.Equal(baseline, OpenFileDescriptorCount());
    }
}

[Collection(AllocationMeasurements.Name)]
public sealed class EpollSocketCleanupTests : SocketCleanupTests
{
    protected override IoDriverKind Driver => IoDriverKind.Epoll;
}

[Collection(AllocationMeasurements.Name)]
public sealed class PortableSocketCleanupTests : SocketCleanupTests
{
    protected override IoDriverKind Driver => IoDriverKind.Portable;
}
