using System.Diagnostics;
using CoopRuntime;

namespace ProducerConsumer;

/// <summary>
/// How fast messages move through a bounded <see cref="LoopChannel"/> when nobody does any work: one writer, three
/// readers, all on one loop thread. Completing the writer ends the readers' <c>ReadAllAsync</c> loops.
/// </summary>
internal static class ChannelThroughputDemo
{
    private const int Readers = 3;

    public static async Task RunAsync(int messages, int capacity)
    {
        Console.WriteLine($"Bounded channel (capacity {capacity}): {messages:N0} messages, 1 writer, {Readers} readers, no work per message");
        var channel = LoopChannel.CreateBounded<int>(capacity);
        var received = new int[Readers];
        var clock = Stopwatch.StartNew();
        var readers = Enumerable.Range(0, Readers).Select(async r =>
        {
            await foreach (var _ in channel.Reader.ReadAllAsync())
            {
                received[r]++; // no lock: all readers run on the loop thread
            }
        }).ToArray();

        for (var m = 0; m < messages; m++)
        {
            await channel.Writer.WriteAsync(m); // completes at once while there is room, waits while the channel is full
        }

        channel.Writer.Complete();
        await Task.WhenAll(readers);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  {received.Sum():N0} messages in {seconds * 1000:F0} ms: {received.Sum() / seconds:N0} messages/s on one thread; " +
                          $"per reader: {string.Join(", ", received.Select(n => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}");
        if (received.Max() > 0.9 * received.Sum())
        {
            // Cooperative scheduling, visible: a reader that finds messages waiting keeps reading without suspending.
            Console.WriteLine("  One reader took nearly everything: with no work per message it never had to wait, so it emptied the channel " +
                              "each time before the other readers got a turn. Readers that await real work share the messages.");
        }
    }
}
