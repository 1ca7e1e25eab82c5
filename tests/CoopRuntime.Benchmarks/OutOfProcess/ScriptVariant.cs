namespace CoopRuntime.Benchmarks.OutOfProcess;

/// <summary>One way a script runs a workload, and the CoopRuntime row it is compared with.</summary>
/// <param name="Language">The script that has this variant.</param>
/// <param name="Key">The variant's name on the script's command line.</param>
/// <param name="Description">What the row does, in the table ("setImmediate chain").</param>
/// <param name="Counterpart">The name of the in-process CoopRuntime variant that does the same thing.</param>
internal sealed record ScriptVariant(ScriptLanguage Language, string Key, string Description, string Counterpart);
