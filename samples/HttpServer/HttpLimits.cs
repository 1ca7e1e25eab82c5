namespace HttpServer;

/// <summary>What one request may be and how long a client may take: the server's defences against clients that send too much or too slowly.</summary>
public sealed record HttpLimits
{
    /// <summary>The longest request line (method, target, version), in bytes; longer gets 414 URI Too Long.</summary>
    public int MaxRequestLineLength { get; init; } = 8 * 1024;

    /// <summary>The most header fields in one request; more gets 431 Request Header Fields Too Large.</summary>
    public int MaxHeaderCount { get; init; } = 100;

    /// <summary>The largest request head (request line and header fields), in bytes; larger gets 431.</summary>
    public int MaxHeaderBytes { get; init; } = 32 * 1024;

    /// <summary>The largest request body, in bytes (decoded, for a chunked body); larger gets 413 Content Too Large.</summary>
    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>How long a request's head may take to arrive once its first byte did; then 408 Request Timeout.</summary>
    public TimeSpan HeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request's body may take to arrive once its head did; then 408 Request Timeout.</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a kept-alive connection may sit idle between requests before the server closes it.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After an error response, how long the server keeps reading (and discarding) what the client still sends before
    /// it closes. Closing with unread bytes makes the kernel send a reset, which can destroy the error response before
    /// the client reads it; reading on a little lets the response arrive intact (nginx's lingering close).
    /// </summary>
    public TimeSpan LingerTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
