namespace Showdown.Io;

/// <summary>The I/O-bound modes' names, shared by the modes, the report's reading and the smoke test's expectations.</summary>
internal static class IoModeNames
{
    public const string Sequential = "sequential";
    public const string ThreadPerRequest = "one thread per request";
    public const string PoolBlocking = "thread pool, blocking calls";
    public const string PoolAsync = "thread pool, async/await";
    public const string Coroutines = "coroutines on one loop";
}
