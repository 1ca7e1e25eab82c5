// A loop in debug mode with a few tasks and coroutines, some of them badly behaved. It prints the loop's diagnostics
// as they come (a slow callback, a stall, a fault nobody awaited) and a task dump on SIGUSR1 (`kill -USR1 <pid>`), on
// the 'd' key, and once at the end.
//
//   dotnet run --project samples/Diagnostics [-- --seconds 10]
using System.Collections;
using System.Diagnostics;
using System.Runtime.InteropServices;
using CoopRuntime;

var seconds = args.Length == 2 && args[0] == "--seconds" ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4;
if (args.Contains("--help"))
{
    Console.WriteLine("Usage: Diagnostics [--seconds N]   (runs N seconds, 4 by default; SIGUSR1 or 'd' prints a task dump)");
    return;
}

var options = new EventLoopOptions
{
    Name = "demo",
    Debug = true,                                         // slow callbacks, stall watchdog, blocking-wait errors
    SlowCallbackThreshold = TimeSpan.FromMilliseconds(50),
    StallThreshold = TimeSpan.FromMilliseconds(300),
    DiagnosticReported = d => Console.WriteLine($"[{d.Kind}] {d.Message}\n"),
    UnhandledException = e => Console.WriteLine($"[handler] {e.GetType().Name}: {e.Message}\n"),
};

EventLoop.Run(
    async () =>
    {
        var loop = EventLoop.Current!;
        Console.WriteLine($"Loop '{loop.Name}' in process {Environment.ProcessId}: 'kill -USR1 {Environment.ProcessId}' or the 'd' key prints a task dump.\n");
        using var dumpOnSignal = RegisterDumpOnSignal(loop);
        StartDumpOnKey(loop);

        _ = loop.Spawn(ct => PollAsync(ct), name: "poller");
        _ = loop.Spawn(async ct => { while (true) { await EventLoop.Sleep(TimeSpan.FromMilliseconds(250), ct); } }, name: "ticker");
        _ = loop.Start(Blink(), name: "blink");

        // A callback that computes for 120 ms without yielding: a slow-callback warning names it.
        loop.CallLater(TimeSpan.FromMilliseconds(100), CrunchNumbers);

        // A callback that blocks the loop thread for 600 ms: the watchdog reports the stall from its own thread.
        loop.CallLater(TimeSpan.FromMilliseconds(400), () => Thread.Sleep(600));

        // A task that fails with nobody awaiting it: reported by name.
        _ = loop.Spawn(async _ => { await EventLoop.Yield(); throw new InvalidOperationException("the forgotten task failed"); }, name: "forgotten");

        await EventLoop.Sleep(TimeSpan.FromSeconds(seconds));
        Console.WriteLine(loop.DumpTasks());
    },
    options);

static void CrunchNumbers()
{
    var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120 / 1000;
    var x = 0.0;
    while (Stopwatch.GetTimestamp() < until)
    {
        x += Math.Sqrt(x + 1);
    }
}

static async Task PollAsync(CancellationToken cancellationToken)
{
    while (true)
    {
        await FetchAsync(cancellationToken);
    }
}

static async Task FetchAsync(CancellationToken cancellationToken) =>
    await EventLoop.Sleep(TimeSpan.FromSeconds(1), cancellationToken);

static IEnumerator Blink()
{
    while (true)
    {
        yield return Wait.Seconds(0.5);
    }
}

static IDisposable? RegisterDumpOnSignal(EventLoop loop)
{
    // SIGUSR1 is not in the PosixSignal enum; raw signal numbers may be cast to it. 10 on Linux, 30 on macOS.
    var sigusr1 = OperatingSystem.IsLinux() ? 10 : OperatingSystem.IsMacOS() ? 30 : 0;
    if (sigusr1 == 0)
    {
        return null;
    }

    // The handler runs on another thread: DumpTasks is loop-thread only, so post it to the loop.
    return PosixSignalRegistration.Create((PosixSignal)sigusr1, context =>
    {
        context.Cancel = true;
        loop.CallSoonThreadSafe(() => Console.WriteLine(loop.DumpTasks()));
    });
}

static void StartDumpOnKey(EventLoop loop)
{
    if (Console.IsInputRedirected)
    {
        return;
    }

    var reader = new Thread(() =>
    {
        while (!loop.IsClosed)
        {
            if (Console.ReadKey(intercept: true).KeyChar == 'd' && !loop.IsClosed)
            {
                try
                {
                    loop.CallSoonThreadSafe(() => Console.WriteLine(loop.DumpTasks()));
                }
                catch (ObjectDisposedException)
                {
                    return; // the loop closed meanwhile
                }
            }
        }
    })
    { IsBackground = true };
    reader.Start();
}
