using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace CoopRuntime;

/// <summary>
/// A pool of worker processes running the same app, for CPU-bound work that would stall the loop and that threads
/// cannot spread (Python's <c>ProcessPoolExecutor</c>). Work items and results travel as JSON lines over the workers'
/// standard input and output; each worker runs one item at a time.
/// </summary>
/// <remarks>
/// <para>The app opts in at the top of <c>Main</c>; a worker is the same program started with
/// <see cref="WorkerArgument"/>:</para>
/// <code>
/// var handlers = new ProcessPoolHandlers().Add&lt;int, int&gt;("primes", CountPrimes);
/// if (ProcessPool.IsWorker(args)) return ProcessPool.RunWorker(handlers);
/// </code>
/// <para>The pool belongs to the loop that created it: create it, call it and dispose it from code that loop runs.
/// Workers start when work arrives. One that dies fails the item it was running with a
/// <see cref="ProcessPoolException"/> (<see cref="ProcessPoolException.WorkerCrashed"/>) naming its exit code and the
/// end of its standard error, and a new worker takes the next item. Disposing the pool cancels queued items, lets
/// workers finish their current item and exit, and kills those that outlast
/// <see cref="ProcessPoolOptions.ShutdownTimeout"/>; no worker outlives the pool. Workers also exit on their own when
/// their input closes, so they end with the parent even if it crashes.</para>
/// <para>Pipes are read through <see cref="Subprocess"/>, that is through .NET's process streams.</para>
/// </remarks>
[DebuggerDisplay("ProcessPool workers = {WorkerCount}, queued = {QueuedCount}")]
public sealed class ProcessPool : IAsyncDisposable
{
    /// <summary>The command-line argument that makes the app a worker; the pool appends it to the worker's arguments.</summary>
    public const string WorkerArgument = "--coopruntime-pool-worker";

    private const int StandardErrorTailLength = 2048;

    private readonly EventLoop _loop;
    private readonly string _fileName;
    private readonly string[] _arguments;
    private readonly JsonSerializerOptions? _serializerOptions; // null: System.Text.Json's defaults
    private readonly TimeSpan _shutdownTimeout;
    private readonly Worker[] _workers;

    // Loop thread only.
    private readonly Queue<PoolItem> _queue = new();
    private long _nextId;
    private bool _disposed;

    /// <summary>Creates a pool bound to the loop running on this thread. No worker starts until work arrives.</summary>
    /// <param name="options">Size, worker command, serialization and shutdown settings; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ProcessPoolOptions.WorkerCount"/> is less than one, or
    /// <see cref="ProcessPoolOptions.ShutdownTimeout"/> is negative.</exception>
    /// <exception cref="ArgumentException"><see cref="ProcessPoolOptions.Arguments"/> is null or contains null.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread, or the current app's command cannot be
    /// found (set <see cref="ProcessPoolOptions.FileName"/>).</exception>
    public ProcessPool(ProcessPoolOptions? options = null)
    {
        options ??= new ProcessPoolOptions();
        if (options.WorkerCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WorkerCount, "ProcessPoolOptions.WorkerCount must be at least 1.");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ShutdownTimeout, "ProcessPoolOptions.ShutdownTimeout must be zero or positive.");
        }

        if (options.Arguments is null || options.Arguments.Any(a => a is null))
        {
            throw new ArgumentException("ProcessPoolOptions.Arguments must not be null or contain null.", nameof(options));
        }

        _loop = EventLoop.RequireCurrent("new ProcessPool");
        (_fileName, _arguments) = ResolveCommand(options);
        _serializerOptions = options.SerializerOptions;
        _shutdownTimeout = options.ShutdownTimeout;
        _workers = new Worker[options.WorkerCount];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Worker(this);
        }
    }

    /// <summary>How many worker processes the pool runs at most.</summary>
    public int WorkerCount => _workers.Length;

    private int QueuedCount => _queue.Count;

    /// <summary>The process ids of the workers running now; for tests.</summary>
    internal IReadOnlyList<int> WorkerProcessIds => _workers.Select(w => w.ProcessId).OfType<int>().ToArray();

    /// <summary>True if <paramref name="args"/> (Main's arguments) mark this process as a pool worker.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>True when <see cref="WorkerArgument"/> is among them.</returns>
    public static bool IsWorker(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Array.IndexOf(args, WorkerArgument) >= 0;
    }

    /// <summary>
    /// Serves work items on this process's standard input and output until the input closes; call it from <c>Main</c>
    /// when <see cref="IsWorker(string[])"/> is true and return its result. Items run one at a time on the calling
    /// thread. While it runs, <see cref="Console.Out"/> writes to standard error, so handlers that print cannot garble the
    /// protocol.
    /// </summary>
    /// <param name="handlers">The work this worker can do.</param>
    /// <returns>The exit code: 0 once the input closed, 2 if a line was not a work item.</returns>
    public static int RunWorker(ProcessPoolHandlers handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        using var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        using var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        var response = new ArrayBufferWriter<byte>();
        while (input.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            long id;
            string name;
            JsonDocument request;
            try
            {
                request = JsonDocument.Parse(line);
                id = request.RootElement.GetProperty("id").GetInt64();
                name = request.RootElement.GetProperty("name").GetString()!;
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                Console.Error.WriteLine($"ProcessPool worker: ignoring a line that is not a work item ({exception.Message}); exiting.");
                return 2;
            }

            using (request)
            {
                response.Clear();
                using var writer = new Utf8JsonWriter(response);
                writer.WriteStartObject();
                writer.WriteNumber("id", id);
                try
                {
                    var arg = request.RootElement.TryGetProperty("arg", out var value) ? value : default;
                    var result = handlers.Invoke(name, arg);
                    writer.WritePropertyName("result");
                    writer.WriteRawValue(result, skipInputValidation: true);
                }
                catch (Exception exception)
                {
                    writer.WriteStartObject("error");
                    writer.WriteString("type", exception.GetType().FullName);
                    writer.WriteString("message", exception.Message);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                writer.Flush();
            }

            output.Write(response.WrittenSpan);
            output.WriteByte((byte)'\n');
            output.Flush();
        }

        return 0;
    }

    /// <summary>Runs the worker handler named <paramref name="name"/> on <paramref name="arg"/> in a worker process.</summary>
    /// <typeparam name="TArg">The argument type; serialized to JSON.</typeparam>
    /// <typeparam name="TResult">The result type; deserialized from JSON.</typeparam>
    /// <param name="name">The handler's name, as registered with <see cref="ProcessPoolHandlers.Add{TArg, TResult}"/>.</param>
    /// <param name="arg">The argument.</param>
    /// <param name="cancellationToken">A queued item is dropped; an item already running in a worker cannot be stopped,
    /// so the caller resumes at once with <see cref="OperationCanceledException"/> and its result is discarded.</param>
    /// <returns>The handler's result, on the loop thread.</returns>
    /// <exception cref="ProcessPoolException">The handler threw, the worker crashed, or no worker could be started.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="WrongThreadException">Called from code the pool's loop does not run.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    [RequiresUnreferencedCode("Arguments and results are serialized with System.Text.Json reflection.")]
    [RequiresDynamicCode("Arguments and results are serialized with System.Text.Json reflection.")]
    public Task<TResult> InvokeAsync<TArg, TResult>(string name, TArg arg, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        VerifyLoop(nameof(InvokeAsync));
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        var item = new PoolItem(_loop, ++_nextId, name, JsonSerializer.Serialize(arg, _serializerOptions));
        if (cancellationToken.CanBeCanceled)
        {
            item.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((PoolItem)state!).CancelFromAnyThread(token), item);
        }

        _queue.Enqueue(item);
        Dispatch();
        return ReadResultAsync<TResult>(item.Task);
    }

    /// <summary>
    /// Shuts the pool down: queued items are cancelled, workers finish the item they run and exit once their input
    /// closes, and those still running after <see cref="ProcessPoolOptions.ShutdownTimeout"/> are killed. Completes once
    /// every worker process has exited. Calling it again does nothing.
    /// </summary>
    /// <returns>A task that completes when no worker is left.</returns>
    /// <exception cref="WrongThreadException">Called from code the pool's loop does not run.</exception>
    public async ValueTask DisposeAsync()
    {
        VerifyLoop(nameof(DisposeAsync));
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        while (_queue.TryDequeue(out var queued))
        {
            queued.TrySetCanceled();
        }

        foreach (var worker in _workers)
        {
            worker.CloseInput();
        }

        var lifetimes = _workers.Select(w => w.Lifetime).OfType<Task>().ToArray();
        using var scope = CancelScope.After(_shutdownTimeout);
        try
        {
            await Task.WhenAll(lifetimes).WaitAsync(scope.Token);
        }
        catch (OperationCanceledException) when (scope.IsCancellationRequested)
        {
            foreach (var worker in _workers)
            {
                worker.Kill();
            }

            await Task.WhenAll(lifetimes);
        }
    }

    [RequiresUnreferencedCode("Results are deserialized with System.Text.Json reflection.")]
    [RequiresDynamicCode("Results are deserialized with System.Text.Json reflection.")]
    private async Task<TResult> ReadResultAsync<TResult>(Task<string> resultJson) =>
        JsonSerializer.Deserialize<TResult>(await resultJson, _serializerOptions)!;

    /// <summary>Hands queued items to idle workers, and starts workers for items nobody can take yet.</summary>
    private void Dispatch()
    {
        while (_queue.TryPeek(out var next))
        {
            if (next.Task.IsCompleted)
            {
                _queue.Dequeue(); // cancelled while queued
                continue;
            }

            var idle = Array.Find(_workers, w => w.State == WorkerState.Idle);
            if (idle is null)
            {
                var starting = _workers.Count(w => w.State == WorkerState.Starting);
                foreach (var worker in _workers)
                {
                    if (starting >= _queue.Count)
                    {
                        break;
                    }

                    if (worker.State == WorkerState.Stopped)
                    {
                        worker.Start();
                        starting++;
                    }
                }

                return;
            }

            idle.Send(_queue.Dequeue());
        }
    }

    /// <summary>A worker could not be started: fail what waits, since no worker may ever take it.</summary>
    private void FailQueued(Exception error)
    {
        while (_queue.TryDequeue(out var queued))
        {
            queued.TrySetException(error);
        }
    }

    private void VerifyLoop(string member)
    {
        if (EventLoop.Current != _loop)
        {
            throw new WrongThreadException(
                $"ProcessPool.{member} was called from code its loop does not run; a pool belongs to the loop that created it. " +
                "From other threads, hop onto that loop first (await loop.SwitchTo(), or loop.CallSoonThreadSafe).");
        }
    }

    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "Only reached when the app runs as 'dotnet app.dll', never as a single-file app.")]
    private static (string FileName, string[] Arguments) ResolveCommand(ProcessPoolOptions options)
    {
        if (options.FileName is { Length: > 0 } fileName)
        {
            return (fileName, [.. options.Arguments, WorkerArgument]);
        }

        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException(
            "The current app's executable is unknown, so the pool cannot start it as a worker. Set ProcessPoolOptions.FileName.");
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            var entry = Assembly.GetEntryAssembly()?.Location;
            if (string.IsNullOrEmpty(entry))
            {
                throw new InvalidOperationException(
                    "The app runs under 'dotnet' but its entry assembly is unknown. Set ProcessPoolOptions.FileName and Arguments.");
            }

            return (processPath, [entry, .. options.Arguments, WorkerArgument]);
        }

        return (processPath, [.. options.Arguments, WorkerArgument]);
    }

    private enum WorkerState
    {
        Stopped,
        Starting,
        Idle,
        Busy,
    }

    /// <summary>One work item: its task carries the result as JSON text.</summary>
    private sealed class PoolItem(EventLoop loop, long id, string name, string argJson) : TaskCompletionSource<string>
    {
        public long Id => id;

        public string Name => name;

        public string ArgJson => argJson;

        public CancellationTokenRegistration Registration { get; set; }

        // Any thread: completions happen on the loop.
        public void CancelFromAnyThread(CancellationToken token)
        {
            if (!loop.TryScheduleFromAnyThread(CoopRuntime.WorkItem.From(static s => s.Item.TrySetCanceled(s.Token), (Item: this, Token: token))))
            {
                TrySetCanceled(token);
            }
        }
    }

    /// <summary>One worker slot: a process while it runs, restarted on demand. Loop thread only.</summary>
    private sealed class Worker(ProcessPool pool)
    {
        private readonly StringBuilder _errorTail = new();
        private Subprocess? _process;
        private PoolItem? _current;
        private bool _inputClosed;

        public WorkerState State { get; private set; }

        public Task? Lifetime { get; private set; }

        public int? ProcessId => _process?.Id;

        public void Start()
        {
            State = WorkerState.Starting;
            _errorTail.Clear();
            _inputClosed = false;
            Lifetime = RunAsync();
        }

        public void Send(PoolItem item)
        {
            _current = item;
            State = WorkerState.Busy;
            var request = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(request))
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", item.Id);
                writer.WriteString("name", item.Name);
                writer.WritePropertyName("arg");
                writer.WriteRawValue(item.ArgJson, skipInputValidation: true);
                writer.WriteEndObject();
            }

            _ = WriteLineAsync(_process!.StandardInput, request.WrittenMemory);
        }

        public void CloseInput()
        {
            if (_process is { } process && !_inputClosed)
            {
                _inputClosed = true;
                try
                {
                    process.StandardInput.Dispose();
                }
                catch (IOException)
                {
                    // It already exited.
                }
            }
        }

        public void Kill() => _process?.Kill(entireProcessTree: true);

        private static async Task WriteLineAsync(Stream input, ReadOnlyMemory<byte> line)
        {
            try
            {
                await input.WriteAsync(line);
                await input.WriteAsync("\n"u8.ToArray());
                await input.FlushAsync();
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException)
            {
                // The worker died; its reader reports that, with its exit code.
            }
        }

        private async Task RunAsync()
        {
            Subprocess process;
            try
            {
                var info = new ProcessStartInfo(pool._fileName)
                {
                    UseShellExecute = false,
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    StandardOutputEncoding = Encoding.UTF8,
                    StandardErrorEncoding = Encoding.UTF8,
                };
                foreach (var argument in pool._arguments)
                {
                    info.ArgumentList.Add(argument);
                }

                process = await Subprocess.StartAsync(info);
            }
            catch (Exception exception)
            {
                State = WorkerState.Stopped;
                pool.FailQueued(new ProcessPoolException(
                    $"Could not start a worker process ({pool._fileName} {string.Join(' ', pool._arguments)}): {exception.Message}",
                    innerException: exception));
                return;
            }

            _process = process;
            if (pool._disposed)
            {
                CloseInput();
            }
            else
            {
                State = WorkerState.Idle;
                pool.Dispatch();
            }

            var errors = KeepErrorTailAsync(process);
            string? strayLine = null;
            try
            {
                await foreach (var line in process.ReadOutputLinesAsync())
                {
                    if (!TryComplete(line))
                    {
                        strayLine = line;
                        process.Kill(entireProcessTree: true);
                        break;
                    }

                    if (!pool._disposed)
                    {
                        pool.Dispatch();
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException)
            {
                // The pipe broke: the process is going away; its exit code tells the rest.
            }

            var exitCode = await process.WaitForExitAsync();
            try
            {
                await errors;
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException)
            {
            }

            FailCurrent(process.Id, exitCode, strayLine);
            State = WorkerState.Stopped;
            _process = null;
            await process.DisposeAsync();
            if (!pool._disposed)
            {
                pool.Dispatch();
            }
        }

        /// <summary>Completes the running item from a response line; false if the line is not a response to it.</summary>
        private bool TryComplete(string line)
        {
            var item = _current;
            try
            {
                using var response = JsonDocument.Parse(line);
                var root = response.RootElement;
                if (item is null || root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var id) ||
                    id.ValueKind != JsonValueKind.Number || id.GetInt64() != item.Id)
                {
                    return false;
                }

                if (root.TryGetProperty("result", out var result))
                {
                    item.TrySetResult(result.GetRawText());
                }
                else if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    var type = error.TryGetProperty("type", out var t) ? t.GetString() : null;
                    var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                    item.TrySetException(new ProcessPoolException(
                        $"'{item.Name}' failed in worker process {_process?.Id}: {type}: {message}",
                        remoteExceptionType: type));
                }
                else
                {
                    return false;
                }
            }
            catch (JsonException)
            {
                return false;
            }

            item.Registration.Dispose();
            _current = null;
            State = WorkerState.Idle;
            return true;
        }

        private void FailCurrent(int processId, int exitCode, string? strayLine)
        {
            var item = _current;
            _current = null;
            if (item is null || item.Task.IsCompleted)
            {
                return;
            }

            item.Registration.Dispose();
            var tail = _errorTail.Length > 0 ? $" The end of its standard error: {_errorTail.ToString().Trim()}" : string.Empty;
            if (strayLine is not null)
            {
                var shown = strayLine.Length > 200 ? strayLine[..200] + "..." : strayLine;
                item.TrySetException(new ProcessPoolException(
                    $"Worker process {processId} wrote a line that is not a ProcessPool response: '{shown}'. A worker's standard " +
                    "output belongs to the pool: does the app's Main return ProcessPool.RunWorker(handlers) when " +
                    $"ProcessPool.IsWorker(args) is true?{tail}"));
            }
            else if (pool._disposed && _inputClosed && exitCode == 137)
            {
                item.TrySetCanceled();
            }
            else
            {
                item.TrySetException(new ProcessPoolException(
                    $"Worker process {processId} exited with code {exitCode} while running '{item.Name}' (item {item.Id}); " +
                    $"the pool starts a new worker for later items.{tail}",
                    workerCrashed: true,
                    exitCode: exitCode));
            }
        }

        private async Task KeepErrorTailAsync(Subprocess process)
        {
            using var reader = new StreamReader(process.StandardError, Encoding.UTF8);
            var buffer = new char[1024];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                _errorTail.Append(buffer, 0, read);
                if (_errorTail.Length > StandardErrorTailLength)
                {
                    _errorTail.Remove(0, _errorTail.Length - StandardErrorTailLength);
                }
            }
        }
    }
}
