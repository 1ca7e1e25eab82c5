using System.Text;

namespace CoopRuntime;

/// <summary>
/// Whole-file reads and writes that do not block the loop: each call runs the blocking <see cref="File"/> operation on
/// the thread pool and completes on the loop thread (what Python's aiofiles does).
/// </summary>
/// <remarks>
/// <para>Why the thread pool: Linux cannot poll regular files (epoll reports them always ready, and a read that misses
/// the page cache blocks anyway), so there is no readiness to wait for. io_uring could make file I/O truly
/// asynchronous and is a possible later step; until then, offloading is what asyncio, libuv and Node.js do too.</para>
/// <para>Cancellation is checked before the operation starts. An operation already under way on the pool finishes and
/// its outcome is returned, so a write is never left half-done behind the caller's back.</para>
/// </remarks>
public static class LoopFile
{
    /// <summary>Reads the whole file as bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read if it has not started.</param>
    /// <returns>The file's contents, on the loop thread.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Offload(() => File.ReadAllBytes(path), cancellationToken);
    }

    /// <summary>Reads the whole file as text, detecting the encoding from a byte order mark (UTF-8 otherwise).</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read if it has not started.</param>
    /// <returns>The file's text, on the loop thread.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task<string> ReadAllTextAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Offload(() => File.ReadAllText(path), cancellationToken);
    }

    /// <summary>Reads the whole file as text in <paramref name="encoding"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="encoding">The file's encoding.</param>
    /// <param name="cancellationToken">Cancels the read if it has not started.</param>
    /// <returns>The file's text, on the loop thread.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task<string> ReadAllTextAsync(string path, Encoding encoding, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(encoding);
        return Offload(() => File.ReadAllText(path, encoding), cancellationToken);
    }

    /// <summary>Creates or overwrites the file with <paramref name="bytes"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="bytes">The contents. Do not change the array until the returned task completes.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started.</param>
    /// <returns>A task that completes on the loop thread once the file is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(bytes);
        return Offload(() => File.WriteAllBytes(path, bytes), cancellationToken);
    }

    /// <summary>Creates or overwrites the file with <paramref name="contents"/> in UTF-8 (no byte order mark).</summary>
    /// <param name="path">The file.</param>
    /// <param name="contents">The text.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started.</param>
    /// <returns>A task that completes on the loop thread once the file is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task WriteAllTextAsync(string path, string? contents, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Offload(() => File.WriteAllText(path, contents), cancellationToken);
    }

    /// <summary>Creates or overwrites the file with <paramref name="contents"/> in <paramref name="encoding"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="contents">The text.</param>
    /// <param name="encoding">The encoding to write.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started.</param>
    /// <returns>A task that completes on the loop thread once the file is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task WriteAllTextAsync(string path, string? contents, Encoding encoding, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(encoding);
        return Offload(() => File.WriteAllText(path, contents, encoding), cancellationToken);
    }

    /// <summary>Appends <paramref name="contents"/> in UTF-8 to the file, creating it if needed.</summary>
    /// <param name="path">The file.</param>
    /// <param name="contents">The text.</param>
    /// <param name="cancellationToken">Cancels the append if it has not started.</param>
    /// <returns>A task that completes on the loop thread once the text is appended.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task AppendAllTextAsync(string path, string? contents, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Offload(() => File.AppendAllText(path, contents), cancellationToken);
    }

    /// <summary>
    /// Opens the file for reading on the thread pool (opening can block too, on network file systems) and returns a
    /// <see cref="FileStream"/> opened for asynchronous I/O: its <c>ReadAsync</c> runs on the thread pool and, awaited in
    /// code the loop runs, resumes on the loop thread.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the open if it has not started.</param>
    /// <returns>The stream; dispose it when done.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task<FileStream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Offload(
            () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.Asynchronous),
            cancellationToken);
    }

    private static Task<T> Offload<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        EventLoop.RequireCurrent("LoopFile");
        cancellationToken.ThrowIfCancellationRequested();
        // The token is checked when the pool picks the work up, not handed to RunOnThreadPoolAsync: that would let the
        // caller resume while the operation still runs.
        return EventLoop.RunOnThreadPoolAsync(
            () =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return operation();
            });
    }

    private static Task Offload(Action operation, CancellationToken cancellationToken) =>
        Offload(
            () =>
            {
                operation();
                return true;
            },
            cancellationToken);
}
