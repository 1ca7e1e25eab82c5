namespace CoopRuntime;

/// <summary>
/// Thrown by <see cref="ByteStreamReader"/> when more than the allowed number of bytes arrived without the delimiter
/// (or newline) it was looking for. Nothing is lost: the bytes read so far stay buffered in the reader.
/// </summary>
/// <remarks>
/// The limit protects a reader from a peer that never sends the delimiter: the reader stops reading once the limit
/// is passed instead of buffering without bound. To go on, read the buffered bytes with
/// <see cref="ByteStreamReader.ReadAsync(Memory{byte}, CancellationToken)"/> (for example to skip the over-long
/// message), or call again with a larger <c>maxLength</c>; the search resumes over the same bytes.
/// </remarks>
public sealed class ReadLimitExceededException : IOException
{
    /// <summary>Creates the exception with the standard message for <paramref name="limit"/>.</summary>
    /// <param name="limit">The <c>maxLength</c> that was exceeded.</param>
    /// <param name="bufferedCount">How many bytes the reader holds, still unread.</param>
    public ReadLimitExceededException(int limit, int bufferedCount)
        : this(
            $"More than {limit} bytes arrived without the delimiter (the read limit, maxLength = {limit}). " +
            $"The {bufferedCount} bytes read so far are still buffered: read them with ReadAsync (to skip or handle " +
            "the over-long message), or call again with a larger maxLength.",
            limit,
            bufferedCount)
    {
    }

    /// <summary>Creates the exception with a custom message.</summary>
    /// <param name="message">What was exceeded and what to do about it.</param>
    /// <param name="limit">The <c>maxLength</c> that was exceeded.</param>
    /// <param name="bufferedCount">How many bytes the reader holds, still unread.</param>
    public ReadLimitExceededException(string message, int limit, int bufferedCount)
        : base(message)
    {
        Limit = limit;
        BufferedCount = bufferedCount;
    }

    /// <summary>The <c>maxLength</c> that was exceeded: the most bytes a message may hold, its delimiter not counted.</summary>
    public int Limit { get; }

    /// <summary>
    /// How many bytes the reader held, unread, when the limit was exceeded (at least <see cref="Limit"/> + 1). They are
    /// still in the reader.
    /// </summary>
    public int BufferedCount { get; }
}
