using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CoopRuntime.Hosting;

/// <summary>
/// A hosted service that runs an <see cref="EventLoop"/> on a thread of its own: when the host starts, the loop starts
/// and runs the main function; when the host stops, main's token is cancelled and the service waits for main to return
/// and for the loop's shutdown (spawned tasks cancelled and awaited, coroutines stopped). Register it with
/// <see cref="EventLoopServiceCollectionExtensions.AddEventLoop(Microsoft.Extensions.DependencyInjection.IServiceCollection, Func{IServiceProvider, CancellationToken, Task}, Func{IServiceProvider, EventLoopOptions}?)"/>.
/// </summary>
/// <remarks>
/// <para>If main fails, the failure is logged and the host is asked to stop (as a failing <c>BackgroundService</c> does
/// by default). If main returns on its own, the loop closes and the host keeps running.</para>
/// <para>If the host's shutdown timeout passes before the loop has finished, <see cref="StopAsync"/> gives up waiting
/// (the loop thread is a background thread and does not keep the process alive).</para>
/// </remarks>
public sealed class EventLoopService : IHostedService, IDisposable
{
    private readonly Func<CancellationToken, Task> _main;
    private readonly EventLoopOptions _options;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ILogger? _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private EventLoop? _loop;

    /// <summary>Creates the service; nothing runs until the host starts it.</summary>
    /// <param name="main">The loop's main function. It runs on the loop thread and receives a token that is cancelled when
    /// the host stops; return (or throw <see cref="OperationCanceledException"/>) when it is.</param>
    /// <param name="options">The loop's settings.</param>
    /// <param name="lifetime">Asked to stop the application when main fails; null to leave the host running.</param>
    /// <param name="logger">Where main's failure is logged; null for nowhere (the loop's own
    /// <see cref="EventLoopOptions.Logger"/> is separate).</param>
    public EventLoopService(Func<CancellationToken, Task> main, EventLoopOptions? options = null, IHostApplicationLifetime? lifetime = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        _main = main;
        _options = options ?? new EventLoopOptions();
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <summary>The loop, once <see cref="StartAsync"/> has created it; null before. Use its thread-safe members
    /// (<see cref="EventLoop.CallSoonThreadSafe(Action)"/>, <see cref="EventLoop.SynchronizationContext"/>) from other threads.</summary>
    public EventLoop? Loop => Volatile.Read(ref _loop);

    /// <summary>Completes when the loop has closed: successfully, or with main's (or shutdown's) failure.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the loop thread and returns once the loop runs main.</summary>
    /// <param name="cancellationToken">Gives up waiting for the start (the thread keeps starting).</param>
    /// <returns>A task that completes when main has been called.</returns>
    /// <exception cref="InvalidOperationException">The service was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("This EventLoopService was already started; a hosted service starts once.");
        }

        var loop = new EventLoop(_options);
        Volatile.Write(ref _loop, loop);
        _thread = new Thread(() => RunLoop(loop)) { IsBackground = true, Name = $"CoopRuntime loop '{loop.Name}'" };
        _thread.Start();
        return _started.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Cancels main's token and waits for main to return and the loop to shut down.</summary>
    /// <param name="cancellationToken">The host's shutdown deadline: when it is cancelled, stop waiting.</param>
    /// <returns>A task that completes when the loop has closed, or when the deadline passed.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_thread is null)
        {
            return;
        }

        try
        {
            _stopping.Cancel();
        }
        finally
        {
            // Failures were logged by the loop thread; stopping only waits.
            await Task.WhenAny(_completion.Task, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the stop signal. The loop itself is closed by its thread when main returns.</summary>
    public void Dispose() => _stopping.Dispose();

    private void RunLoop(EventLoop loop)
    {
        try
        {
            loop.RunUntilComplete(async () =>
            {
                _started.TrySetResult();
                await _main(_stopping.Token);
            });
            loop.Dispose();
            _completion.TrySetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            CloseQuietly(loop);
            _completion.TrySetResult(); // main observed the stop: a graceful end
        }
        catch (Exception exception)
        {
            CloseQuietly(loop);
            _started.TrySetResult();
            _completion.TrySetException(exception);
            if (!_stopping.IsCancellationRequested)
            {
                _logger?.LogError(exception, "The event loop '{LoopName}' failed; stopping the application.", loop.Name);
                _lifetime?.StopApplication();
            }
            else
            {
                _logger?.LogError(exception, "The event loop '{LoopName}' failed while stopping.", loop.Name);
            }
        }
    }

    private void CloseQuietly(EventLoop loop)
    {
        try
        {
            loop.Dispose();
        }
        catch (Exception exception)
        {
            _logger?.LogError(exception, "The event loop '{LoopName}' reported errors while shutting down.", loop.Name);
        }
    }
}
