using System.Threading.Channels;

namespace CoopRuntime.Benchmarks.Peers;

/// <summary>
/// 6. ping-pong: the one body every .NET peer runs, over whichever <see cref="Channel{T}"/> it is given (a loop
/// channel on CoopRuntime, System.Threading.Channels elsewhere), so only the channel and the host differ.
/// </summary>
internal static class PingPongBodies
{
    /// <summary>
    /// Sends <paramref name="roundTrips"/> messages through <paramref name="ping"/>; an echo task answers each on
    /// <paramref name="pong"/>, and the next message waits for the answer. Both channels are meant to be bounded(1).
    /// </summary>
    public static async Task PingPongAsync(Channel<int> ping, Channel<int> pong, int roundTrips)
    {
        var echo = EchoAsync(ping.Reader, pong.Writer);
        for (var i = 0; i < roundTrips; i++)
        {
            await ping.Writer.WriteAsync(i);
            Checks.Equal(i, await pong.Reader.ReadAsync(), "ping-pong reply");
        }

        ping.Writer.Complete();
        Checks.Equal(roundTrips, await echo, "ping-pong messages echoed");
    }

    private static async Task<int> EchoAsync(ChannelReader<int> input, ChannelWriter<int> output)
    {
        var echoed = 0;
        await foreach (var message in input.ReadAllAsync())
        {
            await output.WriteAsync(message);
            echoed++;
        }

        return echoed;
    }
}
