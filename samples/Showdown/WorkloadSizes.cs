namespace Showdown;

/// <summary>
/// How much work each mode does. The slow I/O modes run fewer requests than the fast ones: a sequential client
/// needs latency × count (10,000 × 50 ms would be over eight minutes), so the report compares requests per second,
/// and each row says how many requests it really ran.
/// </summary>
internal sealed record WorkloadSizes(
    string Name,
    int PrimeLimit,
    int PrimeChunks,
    TimeSpan Latency,
    int SequentialRequests,
    int ThreadPerRequestRequests,
    int PoolBlockingRequests,
    int PoolAsyncRequests,
    int CoroutineRequests)
{
    /// <summary>The full run: under a minute on two cores.</summary>
    public static WorkloadSizes Default { get; } = new(
        Name: "default",
        PrimeLimit: 8_000_000,
        PrimeChunks: 64,
        Latency: TimeSpan.FromMilliseconds(50),
        SequentialRequests: 40,
        ThreadPerRequestRequests: 10_000,
        PoolBlockingRequests: 600,
        PoolAsyncRequests: 10_000,
        CoroutineRequests: 10_000);

    /// <summary>Tiny sizes for a smoke test: a few seconds in all.</summary>
    public static WorkloadSizes Quick { get; } = new(
        Name: "quick",
        PrimeLimit: 300_000,
        PrimeChunks: 16,
        Latency: TimeSpan.FromMilliseconds(20),
        SequentialRequests: 10,
        ThreadPerRequestRequests: 200,
        PoolBlockingRequests: 40,
        PoolAsyncRequests: 200,
        CoroutineRequests: 200);
}
