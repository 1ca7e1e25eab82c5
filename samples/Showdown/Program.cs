// Showdown: parallelism vs concurrency, measured live on this machine.
//
//   dotnet run -c Release --project samples/Showdown              the full run (under a minute on 2 cores)
//   dotnet run -c Release --project samples/Showdown -- --quick   tiny sizes, a few seconds
//   dotnet run -c Release --project samples/Showdown -- --help    every option
using CoopRuntime;
using Showdown;
using Showdown.Cpu;
using Showdown.Io;

// The "processes" mode runs the CPU work in copies of this program: a copy started as a pool worker serves work items
// and does nothing else. This check comes first so a worker never prints the showdown's output.
if (ProcessPool.IsWorker(args))
{
    return ProcessPool.RunWorker(PrimeWorker.Handlers);
}

// The I/O workload's server runs in a child process too, so its threads and memory stay out of the measurements.
if (LatencyServer.IsServer(args))
{
    return LatencyServer.Run(args);
}

var options = ShowdownOptions.Parse(args, out var error);
if (options is null)
{
    Console.WriteLine(error is null ? ShowdownOptions.Usage : $"{error}\n\n{ShowdownOptions.Usage}");
    return error is null ? 0 : 2;
}

return ShowdownApp.Run(options);
