// ProducerConsumer: a fast producer and slow consumers joined by a queue, with and without backpressure, then the raw
// throughput of a channel. Queue depth and throughput are measured as it runs.
//
//   dotnet run --project samples/ProducerConsumer
//   dotnet run --project samples/ProducerConsumer -- --items 50 --messages 10000    smaller and quicker
using CoopRuntime;
using ProducerConsumer;

var options = DemoOptions.Parse(args, out var error);
if (options is null)
{
    Console.WriteLine(error is null ? DemoOptions.Usage : $"{error}\n\n{DemoOptions.Usage}");
    return error is null ? 0 : 2;
}

EventLoop.Run(async () =>
{
    await QueueDemo.RunAsync(options.Items, capacity: options.Capacity);
    await QueueDemo.RunAsync(options.Items, capacity: null);
    await ChannelThroughputDemo.RunAsync(options.Messages, options.Capacity);
});
return 0;
