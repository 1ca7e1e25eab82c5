// HttpServer: an HTTP/1.1 server on CoopRuntime loops.
//
//   dotnet run -c Release --project samples/HttpServer -- --port 8080              one loop on 127.0.0.1:8080
//   dotnet run -c Release --project samples/HttpServer -- --port 8080 --loops 2    two loops sharing the port
//   curl http://127.0.0.1:8080/   curl http://127.0.0.1:8080/json   curl -d hello http://127.0.0.1:8080/echo
using System.Net;
using CoopRuntime;
using HttpServer;

var options = HttpOptions.Parse(args, out var problem);
if (options is null)
{
    if (problem is not null)
    {
        Console.Error.WriteLine(problem);
    }

    Console.WriteLine(HttpOptions.Usage);
    return problem is null ? 0 : 2;
}

// One loop per thread. The first binds (learning the port when --port is 0); the others then join it on that port,
// and the kernel spreads new connections across them (SO_REUSEPORT).
var loops = new ServerLoopThread[options.Loops];
var reusePort = options.Loops > 1;
loops[0] = ServerLoopThread.Start(new IPEndPoint(options.Address, options.Port), reusePort, "HTTP loop 0");
var endPoint = loops[0].WaitUntilListening();
for (var i = 1; i < loops.Length; i++)
{
    loops[i] = ServerLoopThread.Start(endPoint, reusePort, $"HTTP loop {i}");
    loops[i].WaitUntilListening();
}

Console.WriteLine($"HttpServer on http://{endPoint} with {options.Loops} loop{(options.Loops == 1 ? string.Empty : "s")}. Ctrl+C stops it.");
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    Array.ForEach(loops, loop => loop.Stop());
};

Array.ForEach(loops, loop => loop.Join());
Console.WriteLine("Stopped.");
return 0;
