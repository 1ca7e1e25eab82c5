// KvServer: a Redis-protocol (RESP2) key-value server on one CoopRuntime loop thread.
//
//   dotnet run -c Release --project samples/KvServer -- --port 6380      serve on 127.0.0.1:6380 until Ctrl+C
//   redis-cli -p 6380 set greeting hello && redis-cli -p 6380 get greeting
//   dotnet run -c Release --project samples/KvServer -- --help
using System.Net;
using CoopRuntime;
using KvServer;

var options = KvOptions.Parse(args, out var problem);
if (options is null)
{
    if (problem is not null)
    {
        Console.Error.WriteLine(problem);
    }

    Console.WriteLine(KvOptions.Usage);
    return problem is null ? 0 : 2;
}

// Ctrl+C stops the server cleanly: the token cancels, connections close, the loop shuts down.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

EventLoop.Run(() => KvServerHost.RunAsync(
    new IPEndPoint(options.Address, options.Port),
    endPoint => Console.WriteLine($"KvServer on {endPoint} (RESP2; try: redis-cli -p {((IPEndPoint)endPoint).Port} ping). Ctrl+C stops it."),
    stop.Token));
Console.WriteLine("Stopped.");
return 0;
