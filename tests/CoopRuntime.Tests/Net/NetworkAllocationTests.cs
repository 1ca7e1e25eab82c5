using CoopRuntime.Tests.Support;

namespace CoopRuntime.Tests.Net;

/// <summary>Invariant 5 for sockets: reads and writes on an established connection allocate nothing.</summary>
public abstract class NetworkAllocationTests : NetworkTestBase
{
    [Fact]
    public void ReadAndWrite_OnAnEstablishedConnection_AllocateNothingPerOperation()
    {
        const int RoundTrips = 20_000;
        var allocated = Run(async ct =>
        {
            using var server = TcpServer.Listen(AnyLoopbackPort);
            var (client, accepted) = await ConnectPairAsync(server, ct);
            using (client)
            using (accepted)
            {
                var request = new byte[64];
                var response = new byte[64];
                var serving = EchoAsync(accepted, response, RoundTrips * 2, ct);
                var allocatedWhileMeasuring = await PingPongAsync(client, request, RoundTrips, ct);
                await serving;
                return allocatedWhileMeasuring;
            }
        });

        Assert.True(allocated == 0, $"{allocated} bytes allocated over {RoundTrips} round trips ({(double)allocated / RoundTrips:F2} per round trip).");
    }

    /// <summary>
    /// Runs <paramref name="count"/> round trips to warm up (JIT, pools, this method's own state-machine box), then
    /// <paramref name="count"/> more, and returns what the loop thread allocated during the second half.
    /// </summary>
    private static async Task<long> PingPongAsync(TcpStream stream, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        long before = 0;
        for (var i = 0; i < count * 2; i++)
        {
            if (i == count)
            {
                before = GC.GetAllocatedBytesForCurrentThread();
            }

            await stream.WriteAsync(buffer, cancellationToken);
            var got = 0;
            while (got < buffer.Length)
            {
                got += await stream.ReadAsync(buffer.AsMemory(got), cancellationToken);
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static async Task EchoAsync(TcpStream stream, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var got = 0;
            while (got < buffer.Length)
            {
                got += await stream.ReadAsync(buffer.AsMemory(got), cancellationToken);
            }

            await stream.WriteAsync(buffer, cancellationToken);
        }
    }
}

[Collection(AllocationMeasurements.Name)]
public sealed class EpollNetworkAllocationTests : NetworkAllocationTests
{
    protected override IoDriverKind Driver => IoDriverKind.Epoll;
}

[Collection(AllocationMeasurements.Name)]
public sealed class PortableNetworkAllocationTests : NetworkAllocationTests
{
    protected override IoDriverKind Driver => IoDriverKind.Portable;
}
