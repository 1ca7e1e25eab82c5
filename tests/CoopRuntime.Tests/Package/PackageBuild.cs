namespace CoopRuntime.Tests.Package;

/// <summary>
/// The test collection for tests that run <c>dotnet pack</c>. A pack compiles the library twice (net8.0 and net10.0)
/// and keeps both cores busy for half a minute, which would slow every timing-sensitive test running beside it, so the
/// collection runs alone, like the allocation measurements.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackageBuild
{
    public const string Name = "Package build (run alone)";
}
