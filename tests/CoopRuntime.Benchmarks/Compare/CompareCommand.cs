using System.Diagnostics;
using CoopRuntime.Benchmarks.OutOfProcess;
using CoopRuntime.Benchmarks.Workloads;

namespace CoopRuntime.Benchmarks.Compare;

/// <summary>
/// The <c>compare</c> command: every workload on every peer, one after another in this process, as Markdown.
/// </summary>
/// <remarks>
/// Each variant first runs unmeasured (JIT and tiering, the thread pool's thread count, first-use caches), then the
/// measured repetitions go round-robin over the variants, so a slow drift of the machine (another process, thermal
/// limits) spreads over every variant instead of landing on whichever ran last. The out-of-process peers take part in
/// the same round-robin: each repetition starts one fresh process per script variant after the in-process variants.
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
        output.WriteLine(
            $"- In-process peers: Nito.AsyncEx.Context {MachineInfo.PackageVersion(typeof(Nito.AsyncEx.AsyncContext))}, " +
            $"Microsoft.VisualStudio.Threading {MachineInfo.PackageVersion(typeof(Microsoft.VisualStudio.Threading.SingleThreadedSynchronizationContext))}, the .NET ThreadPool");
        var runtimes = ScriptRuntimes.Detect();
        var available = runtimes.Where(r => r.MissingReason is null).ToList();
        output.WriteLine($"- Out-of-process peers: {(available.Count > 0 ? string.Join(", ", available.Select(r => r.Version)) : "none")}");
        foreach (var missing in runtimes.Where(r => r.MissingReason is not null))
        {
            output.WriteLine($"- Skipped {missing.Name}: {missing.MissingReason}");
        }

        output.WriteLine();
        output.Flush();

        var results = new List<WorkloadResult>();
        foreach (var workload in Workload.All(sizes).Where(w => options.Runs(w.Title)))
        {
            var result = RunWorkload(workload, options, available);
            results.Add(result);
            WorkloadReport.Write(result, output);
            output.Flush();
        }

        if (options.ChartPath is { } chartPath)
        {
            RatioChart.Save(results, chartPath, options.Smoke);
            output.WriteLine($"Chart of the ratios written to {chartPath}.");
            output.WriteLine();
        }

        if (options.Runs("TCP echo"))
        {
            Echo.EchoComparison.Run(output, options.Smoke, options.Repetitions);
            output.Flush();
        }

        // The protocol servers take longest per repetition (5 s of wrk, two redis-benchmark modes), so at most three.
        if (options.Runs("HTTP"))
        {
            Protocols.HttpComparison.Run(output, options.Smoke, Math.Min(options.Repetitions, 3));
            output.Flush();
        }

        if (options.Runs("Key-value server"))
        {
            Protocols.KvComparison.Run(output, options.Smoke, Math.Min(options.Repetitions, 3));
            output.Flush();
        }

        output.WriteLine($"Total time: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s. Load average (1 / 5 / 15 min) at the end: {MachineInfo.LoadAverage()}.");
        return 0;
    }

    private static WorkloadResult RunWorkload(Workload workload, CompareOptions options, IReadOnlyList<ScriptRuntime> runtimes)
    {
        var variants = workload.Variants;
        var samples = variants.ToDictionary(v => v, _ => new List<Sample>());
        var scripts = workload.Scripts;
        var scriptRows = scripts is null
            ? []
            : runtimes.SelectMany(runtime => scripts.Variants.Where(v => v.Language == runtime.Language).Select(v => new ScriptRow(runtime, v))).ToList();
        var scriptSamples = scriptRows.Select(_ => new List<ScriptSample>()).ToList();
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

            // A smoke run only proves that every script still runs, and interpreter start-up dominates it: start them side by side.
            var measured = new ScriptSample[scriptRows.Count];
            Parallel.For(
                0,
                scriptRows.Count,
                new ParallelOptions { MaxDegreeOfParallelism = options.Smoke ? scriptRows.Count + 1 : 1 },
                row => measured[row] = ScriptRunner.Run(scriptRows[row].Runtime, scripts!, scriptRows[row].Variant, options.Smoke, workload.WatchdogLimit));
            for (var row = 0; row < scriptRows.Count; row++)
            {
                scriptSamples[row].Add(measured[row]);
            }
        }

        return new WorkloadResult(
            workload,
            samples.ToDictionary(p => p.Key, p => (IReadOnlyList<Sample>)p.Value),
            scriptRows.Select((row, i) => (row, (IReadOnlyList<ScriptSample>)scriptSamples[i])).ToList());
    }
}
