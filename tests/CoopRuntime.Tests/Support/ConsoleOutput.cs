namespace CoopRuntime.Tests.Support;

/// <summary>
/// The test collection for classes that redirect <see cref="Console.Out"/> to read what an example prints. The
/// redirection is process-wide: two such classes running in parallel would restore each other's writer mid-test and
/// lose output, so they share this collection and run one after the other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleOutput
{
    public const string Name = "Console output (redirected)";
}
