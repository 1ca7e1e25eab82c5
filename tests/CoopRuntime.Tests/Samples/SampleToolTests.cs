namespace CoopRuntime.Tests.Samples;

/// <summary>
/// The tests that drive the samples with real tools (curl, wrk, redis-cli, redis-benchmark) share one collection, so
/// that two load tests never compete for the machine's two cores; other test classes still run beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SampleToolTests
{
    public const string Name = "Sample servers under real tools";
}
