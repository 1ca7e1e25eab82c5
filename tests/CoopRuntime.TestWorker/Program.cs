using CoopRuntime;
using CoopRuntime.TestWorker;

// The documented ProcessPool hook: a worker is this same app started with ProcessPool.WorkerArgument.
if (ProcessPool.IsWorker(args))
{
    return ProcessPool.RunWorker(PoolHandlers.Create());
}

// Modes (the first argument):
//   signal-demo      EventLoop.Run with a token; Ctrl+C cancels main, finally blocks print markers, exit code 130.
//   signal-notoken   EventLoop.Run without a token; Ctrl+C abandons main, the spawned task's finally still runs.
//   signal-stubborn  main ignores its token; only a second Ctrl+C ends the process.
// Every mode prints "ready" once its loop and handlers are in place.
return args.FirstOrDefault() switch
{
    "signal-demo" => SignalModes.Demo(),
    "signal-notoken" => SignalModes.NoToken(),
    "signal-stubborn" => SignalModes.Stubborn(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: CoopRuntime.TestWorker signal-demo|signal-notoken|signal-stubborn");
    return 2;
}
