using System.Diagnostics;
using CoopRuntime.Benchmarks.Workloads;

namespace CoopRuntime.Benchmarks.Compare;

/// <summary>
/// The <c>compare</c> command: every workload on every peer, one after another in this process, as Markdown.
/// </summary>
/// <remarks>
/// Each variant first runs unmeasured (JIT and tiering, the thread pool's thread count, first-use caches), then the
/// measured repetitions go round-robin over the variants, so a slow drift of the machine (another process, thermal
/// limits) spreads over every variant instead of landing on whichever ran last.
/// </remarks>
internal static class CompareCommand
{
    private static readonly TimeSpan MinimumWarmUp = TimeSpan.FromMilliseconds(500);

    public static int Run(CompareOptions options, TextWriter output)
    {
        var sizes = options.Smoke ? WorkloadSizes.Smoke : WorkloadSizes.Full;
        var started = Stopwatch.GetTimestamp();
        output.WriteLine($"# CoopRuntime side-by-side comparison{(options.Smoke ? " (smoke sizes: not for quoting)" : string.Empty)}");
        output.WriteLine();
        output.WriteLine($"Run at {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {options.Repetitions} measured repetition(s) per variant" +
            $"{(options.Smoke ? ", no warm-up" : " after at least two warm-up runs and 0.5 s of warm-up")}.");
        output.WriteLine();
        foreach (var line in MachineInfo.Describe())
        {
            output.WriteLine(line);
        }

        output.WriteLine($"- Load average (1 / 5 / 15 min) at start: {MachineInfo.LoadAverage()}");
        output.WriteLine($"- Peers: Nito.AsyncEx.Context {typeof(Nito.AsyncEx.AsyncContext).Assembly.GetName().Version}, the .NET ThreadPool");
        output.WriteLine();
        output.Flush();

        foreach (var workload in Workload.All(sizes))
        {
            var result = RunWorkload(workload, options);
            WorkloadReport.Write(result, output);
            output.Flush();
        }

        Echo.EchoComparison.Run(output, options.Smoke, options.Repetitions);
        output.Flush();

        // The protocol servers take longest per repetition (5 s of wrk, two redis-benchmark modes), so at most three.
        Protocols.HttpComparison.Run(output, options.Smoke, Math.Min(options.Repetitions, 3));
        output.Flush();
        Protocols.KvComparison.Run(output, options.Smoke, Math.Min(options.Repetitions, 3));
        output.Flush();

        output.WriteLine($"Total time: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s. Load average (1 / 5 / 15 min) at the end: {MachineInfo.LoadAverage()}.");
        return 0;
    }

    private static WorkloadResult RunWorkload(Workload workload, CompareOptions options)
    {
        var variants = workload.Variants;
        var samples = variants.ToDictionary(v => v, _ => new List<Sample>());
        if (!options.Smoke)
        {
            foreach (var variant in variants)
            {
                // Tiered JIT promotes hot methods only after a quiet spell of about 100 ms, so one short warm-up run
                // can leave the first measured run on unoptimized code (it showed as a 100+ ms outlier on a 16 ms
                // workload). Warm up for at least two runs and half a second.
                var warming = Stopwatch.GetTimestamp();
                for (var run = 0; run < 2 || Stopwatch.GetElapsedTime(warming) < MinimumWarmUp; run++)
                {
                    Measurer.Measure(variant.Run, workload.WatchdogLimit, $"{workload.Title} / {variant.Name} (warm-up)");
                }
            }
        }

        for (var repetition = 0; repetition < options.Repetitions; repetition++)
        {
            foreach (var variant in variants)
            {
                samples[variant].Add(Measurer.Measure(variant.Run, workload.WatchdogLimit, $"{workload.Title} / {variant.Name}"));
            }
        }

        return new WorkloadResult(workload, samples.ToDictionary(p => p.Key, p => (IReadOnlyList<Sample>)p.Value));
    }
}
