namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>One row of a workload's "other runtimes" table: a script variant on one runtime.</summary>
internal sealed record ScriptRow(ScriptRuntime Runtime, ScriptVariant Variant)
{
    public string Name => $"{Runtime.Name}: {Variant.Description}";
}
