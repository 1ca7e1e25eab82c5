using System.Net;
using CoopRuntime;

namespace HttpServer;

/// <summary>A loop on its own thread running one <see cref="HttpServerHost"/>.</summary>
internal sealed class ServerLoopThread
{
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Thread _thread = null!;
    private EventLoop? _loop;

    public static ServerLoopThread Start(IPEndPoint endPoint, bool reusePort, string name)
    {
        var loopThread = new ServerLoopThread();
        loopThread._thread = new Thread(() =>
        {
            try
            {
                EventLoop.Run(() =>
                {
                    loopThread._loop = EventLoop.Current;
                    return HttpServerHost.RunAsync(endPoint, reusePort, bound => loopThread._listening.TrySetResult((IPEndPoint)bound), loopThread._stop.Token);
                });
            }
            catch (Exception error)
            {
                loopThread._listening.TrySetException(error);
                throw;
            }
        })
        {
            Name = name,
        };
        loopThread._thread.Start();
        return loopThread;
    }

    public IPEndPoint WaitUntilListening() => _listening.Task.GetAwaiter().GetResult();

    /// <summary>Stops the server from any thread: the cancellation runs on the loop's own thread.</summary>
    public void Stop() => _loop?.CallSoonThreadSafe(() => _stop.Cancel());

    public void Join() => _thread.Join();
}
