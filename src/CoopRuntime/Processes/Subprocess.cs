using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace CoopRuntime;

/// <summary>
/// A child process started from a loop (Python's <c>asyncio.create_subprocess_exec</c>): awaitable exit, its
/// standard streams as <see cref="Stream"/>s, line readers, and <see cref="RunAsync(string, IEnumerable{string}, SubprocessRunOptions?, CancellationToken)"/>
/// to run a command and capture its output.
/// </summary>
/// <remarks>
/// <para>On the epoll driver (Linux) the loop drives the pipes itself: they are made non-blocking and read and written
/// with system calls on the loop thread, like sockets. On the portable driver they are .NET's own <see cref="Process"/>
/// streams, whose asynchronous reads and writes complete on the runtime's I/O threads (an <c>await</c> in code the
/// loop runs resumes on the loop thread through the loop's <see cref="SynchronizationContext"/>). Starting the process
/// (fork and exec) runs on the thread pool so it never stalls the loop.</para>
/// <para>Disposing a handle whose process still runs kills the process and its descendants, so nothing is left
/// behind (as asyncio's transport does on close). Await <see cref="WaitForExitAsync"/> first to let it finish.</para>
/// <para>On Unix, a process ended by a signal reports 128 plus the signal number as its exit code (137 after
/// <see cref="Kill"/>).</para>
/// </remarks>
[DebuggerDisplay("Subprocess {Id} ({_description,nq}), exit code = {ExitCode}")]
public sealed class Subprocess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _description;
    private readonly Stream? _standardInput;
    private readonly Stream? _standardOutput;
    private readonly Stream? _standardError;
    private int _disposed;

    private Subprocess(Process process, string description, EventLoop loop)
    {
        _process = process;
        _description = description;
        Id = process.Id;

        // On the epoll driver the loop takes the pipes over: no thread-pool hop per chunk. Elsewhere they stay .NET's.
        var info = process.StartInfo;
        _standardInput = info.RedirectStandardInput ? OnLoop(loop, process.StandardInput.BaseStream, canRead: false) : null;
        _standardOutput = info.RedirectStandardOutput ? OnLoop(loop, process.StandardOutput.BaseStream, canRead: true) : null;
        _standardError = info.RedirectStandardError ? OnLoop(loop, process.StandardError.BaseStream, canRead: true) : null;
    }

    private static Stream OnLoop(EventLoop loop, Stream dotnetPipe, bool canRead) =>
        dotnetPipe is System.IO.Pipes.PipeStream { SafePipeHandle: var handle } && loop.Driver.AdoptPipe(handle, dotnetPipe) is { } adopted
            ? new LoopPipeStream(adopted, canRead)
            : dotnetPipe;

    /// <summary>The operating system's process id.</summary>
    public int Id { get; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The process's standard input; write to it and dispose it to send end-of-file.</summary>
    /// <exception cref="InvalidOperationException">Standard input was not redirected.</exception>
    public Stream StandardInput
    {
        get
        {
            EnsureRedirected(_process.StartInfo.RedirectStandardInput, nameof(ProcessStartInfo.RedirectStandardInput));
            return _standardInput!;
        }
    }

    /// <summary>The process's standard output. Read it (or <see cref="ReadOutputLinesAsync"/>), or a chatty child blocks once the pipe is full.</summary>
    /// <exception cref="InvalidOperationException">Standard output was not redirected.</exception>
    public Stream StandardOutput
    {
        get
        {
            EnsureRedirected(_process.StartInfo.RedirectStandardOutput, nameof(ProcessStartInfo.RedirectStandardOutput));
            return _standardOutput!;
        }
    }

    /// <summary>The process's standard error. Read it (or <see cref="ReadErrorLinesAsync"/>), or a chatty child blocks once the pipe is full.</summary>
    /// <exception cref="InvalidOperationException">Standard error was not redirected.</exception>
    public Stream StandardError
    {
        get
        {
            EnsureRedirected(_process.StartInfo.RedirectStandardError, nameof(ProcessStartInfo.RedirectStandardError));
            return _standardError!;
        }
    }

    /// <summary>
    /// Starts <paramref name="startInfo"/> as a child process, from code running on a loop. The streams it redirects are
    /// available as <see cref="StandardInput"/>, <see cref="StandardOutput"/> and <see cref="StandardError"/>.
    /// </summary>
    /// <param name="startInfo">What to start. <see cref="ProcessStartInfo.UseShellExecute"/> must be false.</param>
    /// <param name="cancellationToken">Cancels the start; a process started meanwhile is killed.</param>
    /// <returns>The handle, on the loop thread.</returns>
    /// <exception cref="ArgumentException"><paramref name="startInfo"/> has no file name or uses the shell.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The file could not be started.</exception>
    public static Task<Subprocess> StartAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        Validate(startInfo, nameof(startInfo));
        EventLoop.RequireCurrent("Subprocess.StartAsync");
        return StartCoreAsync(startInfo, cancellationToken);
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> (passed as they are, no shell), with all three
    /// standard streams redirected.
    /// </summary>
    /// <param name="fileName">The program: a path, or a name looked up on PATH.</param>
    /// <param name="arguments">Its arguments, one element each; no quoting is needed.</param>
    /// <param name="cancellationToken">Cancels the start; a process started meanwhile is killed.</param>
    /// <returns>The handle, on the loop thread.</returns>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The file could not be started.</exception>
    public static Task<Subprocess> StartAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        StartAsync(Redirecting(fileName, arguments), cancellationToken);

    /// <summary>Waits for the process to exit and returns its exit code. Cancelling stops the wait; it does not kill the process.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>Kills the process (SIGKILL on Unix), and with <paramref name="entireProcessTree"/> its descendants too.
    /// Does nothing once it has exited.</summary>
    /// <param name="entireProcessTree">Also kill the processes it started.</param>
    public void Kill(bool entireProcessTree = false)
    {
        try
        {
            _process.Kill(entireProcessTree);
        }
        catch (InvalidOperationException) when (_process.HasExited)
        {
            // It exited between the check inside Kill and the signal.
        }
    }

    /// <summary>Reads standard output line by line (decoded with <see cref="ProcessStartInfo.StandardOutputEncoding"/>,
    /// UTF-8 by default) until the process closes it.</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The lines, without their line endings.</returns>
    /// <exception cref="InvalidOperationException">Standard output was not redirected.</exception>
    public IAsyncEnumerable<string> ReadOutputLinesAsync(CancellationToken cancellationToken = default)
    {
        EnsureRedirected(_process.StartInfo.RedirectStandardOutput, nameof(ProcessStartInfo.RedirectStandardOutput));
        return ReadLinesAsync(_standardOutput!, _process.StartInfo.StandardOutputEncoding, cancellationToken);
    }

    /// <summary>Reads standard error line by line until the process closes it.</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The lines, without their line endings.</returns>
    /// <exception cref="InvalidOperationException">Standard error was not redirected.</exception>
    public IAsyncEnumerable<string> ReadErrorLinesAsync(CancellationToken cancellationToken = default)
    {
        EnsureRedirected(_process.StartInfo.RedirectStandardError, nameof(ProcessStartInfo.RedirectStandardError));
        return ReadLinesAsync(_standardError!, _process.StartInfo.StandardErrorEncoding, cancellationToken);
    }

    /// <summary>Kills the process tree if the process still runs, waits for it to exit, and releases the handle and its
    /// streams. Calling it again does nothing.</summary>
    /// <returns>A task that completes once the process has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            // Our pipe streams first: they leave the epoll set before .NET closes the descriptors.
            _standardInput?.Dispose();
            _standardOutput?.Dispose();
            _standardError?.Dispose();
            _process.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> to completion, feeding it
    /// <see cref="SubprocessRunOptions.StandardInput"/> and capturing its output and error (Python's
    /// <c>subprocess.run(capture_output=True)</c>). Both pipes are drained at the same time, so a child that writes a lot
    /// to both never blocks.
    /// </summary>
    /// <param name="fileName">The program: a path, or a name looked up on PATH.</param>
    /// <param name="arguments">Its arguments, one element each.</param>
    /// <param name="options">Input, output limit and timeout; null for none.</param>
    /// <param name="cancellationToken">Kills the process (and its descendants) and throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The exit code and the captured text.</returns>
    /// <exception cref="TimeoutException"><see cref="SubprocessRunOptions.Timeout"/> passed; the process was killed.</exception>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task<SubprocessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        SubprocessRunOptions? options = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(Redirecting(fileName, arguments), options, cancellationToken);

    /// <summary>
    /// Runs <paramref name="startInfo"/> to completion and captures its output and error, like
    /// <see cref="RunAsync(string, IEnumerable{string}, SubprocessRunOptions?, CancellationToken)"/>. It sets the three
    /// <c>Redirect*</c> properties of <paramref name="startInfo"/> to true.
    /// </summary>
    /// <param name="startInfo">What to run. <see cref="ProcessStartInfo.UseShellExecute"/> must be false. Its
    /// <c>StandardOutputEncoding</c>/<c>StandardErrorEncoding</c> decode the output (UTF-8 by default).</param>
    /// <param name="options">Input, output limit and timeout; null for none.</param>
    /// <param name="cancellationToken">Kills the process (and its descendants) and throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The exit code and the captured text.</returns>
    /// <exception cref="TimeoutException"><see cref="SubprocessRunOptions.Timeout"/> passed; the process was killed.</exception>
    /// <exception cref="ArgumentException"><paramref name="startInfo"/> has no file name or uses the shell.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    public static Task<SubprocessResult> RunAsync(
        ProcessStartInfo startInfo,
        SubprocessRunOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        Validate(startInfo, nameof(startInfo));
        options ??= SubprocessRunOptions.Default;
        if (options.MaxOutputBytes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxOutputBytes, "SubprocessRunOptions.MaxOutputBytes must be zero or positive.");
        }

        if (options.Timeout is { } timeout && timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeout, "SubprocessRunOptions.Timeout must be zero or positive.");
        }

        EventLoop.RequireCurrent("Subprocess.RunAsync");
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        return RunCoreAsync(startInfo, options, cancellationToken);
    }

    private static async Task<SubprocessResult> RunCoreAsync(ProcessStartInfo startInfo, SubprocessRunOptions options, CancellationToken cancellationToken)
    {
        var timeout = options.Timeout is { } t && t != Timeout.InfiniteTimeSpan ? t : (TimeSpan?)null;
        using var scope = timeout is { } due ? CancelScope.After(due, cancellationToken) : null;
        var token = scope?.Token ?? cancellationToken;
        var limit = options.MaxOutputBytes ?? long.MaxValue;

        Subprocess? process = null;
        Task? pipes = null;
        try
        {
            process = await StartCoreAsync(startInfo, token);
            var output = CaptureAsync(process.StandardOutput, limit);
            var error = CaptureAsync(process.StandardError, limit);
            var input = FeedAsync(process.StandardInput, options.StandardInput, startInfo.StandardInputEncoding);
            pipes = Task.WhenAll(output, error, input);
            var exitCode = await process.WaitForExitAsync(token);
            // The pipes reach end-of-file when every process holding them has closed them (descendants may still).
            await pipes.WaitAsync(token);
            return new SubprocessResult(
                exitCode,
                Decode(output.Result, startInfo.StandardOutputEncoding),
                Decode(error.Result, startInfo.StandardErrorEncoding),
                output.Result.Truncated,
                error.Result.Truncated);
        }
        catch (OperationCanceledException canceled) when (token.IsCancellationRequested)
        {
            if (process is not null)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            if (scope is { TimedOut: true } && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"'{Describe(startInfo)}' did not finish within {timeout}; it was killed. Raise SubprocessRunOptions.Timeout " +
                    "if it needs longer.",
                    canceled);
            }

            throw;
        }
        finally
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            if (pipes is not null)
            {
                // On the success path they have finished. After a kill or a failure, disposing the handle closed the
                // pipes, so they end now, perhaps with pipe errors, which are expected and not the caller's concern.
                // Waiting here means nothing this call started outlives it.
                try
                {
                    await pipes;
                }
                catch (Exception) when (pipes.IsFaulted || pipes.IsCanceled)
                {
                }
            }
        }
    }

    // On the epoll driver the pipes are the loop's own and these loops run on the loop thread. On the portable driver
    // they run on the thread pool (ConfigureAwait(false)): they touch nothing of the loop's, so hopping to the loop
    // for every chunk would only cost time. RunCoreAsync awaits their results on the loop.
    private static async Task<Captured> CaptureAsync(Stream stream, long limit)
    {
        var kept = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var truncated = false;
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = limit - kept.Length;
            if (room >= read)
            {
                kept.Write(buffer, 0, read);
            }
            else
            {
                // Keep draining past the limit so the child never blocks on a full pipe; the excess is dropped.
                kept.Write(buffer, 0, (int)Math.Max(room, 0));
                truncated = true;
            }
        }

        return new Captured(kept, truncated);
    }

    private static async Task FeedAsync(Stream stdin, string? text, Encoding? encoding)
    {
        try
        {
            if (!string.IsNullOrEmpty(text))
            {
                var bytes = (encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)).GetBytes(text);
                await stdin.WriteAsync(bytes).ConfigureAwait(false);
                await stdin.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The child exited (or closed its input) without reading everything: a broken pipe is not the caller's error.
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Decode(Captured captured, Encoding? encoding) =>
        (encoding ?? Encoding.UTF8).GetString(captured.Bytes.GetBuffer(), 0, (int)captured.Bytes.Length);

    private static async Task<Subprocess> StartCoreAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Not cancellable once started: a process started while the token fired must be killed, not leaked.
        var process = await EventLoop.RunOnThreadPoolAsync(() =>
        {
            var started = new Process { StartInfo = startInfo };
            try
            {
                started.Start();
                return started;
            }
            catch
            {
                started.Dispose();
                throw;
            }
        });
        var subprocess = new Subprocess(process, Describe(startInfo), EventLoop.RequireCurrent("Subprocess.StartAsync"));
        if (cancellationToken.IsCancellationRequested)
        {
            await subprocess.DisposeAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        return subprocess;
    }

    private static async IAsyncEnumerable<string> ReadLinesAsync(Stream stream, Encoding? encoding, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, encoding ?? Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return line;
        }
    }

    private static ProcessStartInfo Redirecting(string fileName, IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument ?? throw new ArgumentException("The arguments contain null.", nameof(arguments)));
        }

        return info;
    }

    private static void Validate(ProcessStartInfo startInfo, string parameterName)
    {
        if (string.IsNullOrEmpty(startInfo.FileName))
        {
            throw new ArgumentException("ProcessStartInfo.FileName is empty; set the program to start.", parameterName);
        }

        if (startInfo.UseShellExecute)
        {
            throw new ArgumentException(
                "ProcessStartInfo.UseShellExecute is true; a Subprocess needs it false (its streams are pipes to the program itself).",
                parameterName);
        }
    }

    private static string Describe(ProcessStartInfo startInfo) =>
        startInfo.ArgumentList.Count > 0 ? $"{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}"
        : string.IsNullOrEmpty(startInfo.Arguments) ? startInfo.FileName
        : $"{startInfo.FileName} {startInfo.Arguments}";

    private static void EnsureRedirected(bool redirected, string property)
    {
        if (!redirected)
        {
            throw new InvalidOperationException(
                $"This stream was not redirected. Set ProcessStartInfo.{property} = true before Subprocess.StartAsync.");
        }
    }

    private sealed record Captured(MemoryStream Bytes, bool Truncated);
}
