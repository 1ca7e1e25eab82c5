namespace KvServer;

/// <summary>How much one client may send before the server calls it a protocol error (Redis has the same limits).</summary>
public sealed record RespLimits
{
    /// <summary>The longest inline command (a plain text line, as typed into telnet), in bytes.</summary>
    public int MaxInlineLength { get; init; } = 64 * 1024;

    /// <summary>The most arguments in one command.</summary>
    public int MaxArguments { get; init; } = 1024 * 1024;

    /// <summary>The largest bulk string (one key or value), in bytes.</summary>
    public int MaxBulkLength { get; init; } = 32 * 1024 * 1024;

    /// <summary>The most bytes one unfinished command may hold in the connection's buffer.</summary>
    public int MaxQueryBufferLength { get; init; } = 64 * 1024 * 1024;
}
