using BenchmarkDotNet.Running;
using CoopRuntime.Benchmarks.Compare;

namespace CoopRuntime.Benchmarks;

/// <summary>
/// Entry point. <c>micro</c> hands the remaining arguments to BenchmarkDotNet (Micro/); <c>compare</c> runs the
/// side-by-side workloads (Workloads/) on CoopRuntime and its peers (Peers/) and prints Markdown.
/// </summary>
internal static class Program
{
    private const string Usage =
        """
        Usage:
          dotnet run -c Release --project tests/CoopRuntime.Benchmarks -- micro [BenchmarkDotNet arguments]
              BenchmarkDotNet micro benchmarks with the memory diagnoser (default filter: all of them).
          dotnet run -c Release --project tests/CoopRuntime.Benchmarks -- compare [--smoke] [--repetitions N] [--chart FILE.png] [--only TEXT]
              Each workload on CoopRuntime, Nito.AsyncEx AsyncContext, vs-threading and the ThreadPool in this process,
              and on Node.js, CPython asyncio and uvloop (Peers/Node, Peers/Python; skipped when not installed), as
              Markdown tables. --smoke uses tiny sizes and one repetition (seconds; what CI runs). --chart draws the
              ratios to CoopRuntime as a PNG. --only runs just the workloads whose title contains TEXT ("4b", "TCP echo").
              Ends with the out-of-process comparisons: TCP echo (CoopRuntime, ThreadPool, Node.js, asyncio, uvloop under
              the same C load client), HTTP (samples/HttpServer, Node.js http, Kestrel under wrk) and key-value
              (samples/KvServer and redis-server under redis-benchmark). Missing tools are skipped with a line.
          dotnet run -c Release --project tests/CoopRuntime.Benchmarks -- echo [--smoke] [--repetitions N]
              Only the TCP echo comparison.
          dotnet run -c Release --project tests/CoopRuntime.Benchmarks -- http|kv [--smoke] [--repetitions N]
              Only the HTTP or only the key-value comparison.
          dotnet run -c Release --project tests/CoopRuntime.Benchmarks -- echo-server KIND PORT
              One of the .NET echo servers of that comparison (KIND: coop-epoll, coop-portable, threadpool).
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        switch (args[0])
        {
            case "micro":
                // Without a filter BenchmarkDotNet asks interactively which benchmark to run; a scripted run wants all of them,
                // in one summary table (--join).
                var benchmarkArgs = args.Length > 1 ? args[1..] : ["--filter", "*", "--join"];
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs);
                return 0;
            case "compare":
                if (!CompareOptions.TryParse(args.AsSpan(1), out var options, out var error))
                {
                    Console.Error.WriteLine(error);
                    Console.Error.WriteLine(Usage);
                    return 2;
                }

                return CompareCommand.Run(options, Console.Out);
            case "echo":
                if (!CompareOptions.TryParse(args.AsSpan(1), out var echoOptions, out var echoError))
                {
                    Console.Error.WriteLine(echoError);
                    Console.Error.WriteLine(Usage);
                    return 2;
                }

                Echo.EchoComparison.Run(Console.Out, echoOptions.Smoke, echoOptions.Smoke ? 1 : Math.Min(echoOptions.Repetitions, 3));
                return 0;
            case "http":
            case "kv":
                if (!CompareOptions.TryParse(args.AsSpan(1), out var protocolOptions, out var protocolError))
                {
                    Console.Error.WriteLine(protocolError);
                    Console.Error.WriteLine(Usage);
                    return 2;
                }

                var protocolRepetitions = protocolOptions.Smoke ? 1 : Math.Min(protocolOptions.Repetitions, 3);
                if (args[0] == "http")
                {
                    Protocols.HttpComparison.Run(Console.Out, protocolOptions.Smoke, protocolRepetitions);
                }
                else
                {
                    Protocols.KvComparison.Run(Console.Out, protocolOptions.Smoke, protocolRepetitions);
                }

                return 0;
            case "echo-server" when args.Length == 3 && int.TryParse(args[2], out var port):
                return Echo.EchoServers.Run(args[1], port);
            default:
                Console.Error.WriteLine($"Unknown command '{args[0]}'.");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
