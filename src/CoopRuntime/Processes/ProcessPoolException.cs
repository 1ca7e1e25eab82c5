namespace CoopRuntime;

/// <summary>
/// A <see cref="ProcessPool"/> work item failed: its handler threw in the worker (<see cref="RemoteExceptionType"/>
/// names the exception), the worker process died while running it (<see cref="WorkerCrashed"/>), or the worker could
/// not be started or spoke something other than the pool's protocol.
/// </summary>
public sealed class ProcessPoolException : Exception
{
    internal ProcessPoolException(string message, string? remoteExceptionType = null, bool workerCrashed = false, int? exitCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        RemoteExceptionType = remoteExceptionType;
        WorkerCrashed = workerCrashed;
        ExitCode = exitCode;
    }

    /// <summary>The full name of the exception the handler threw in the worker, or null if the handler did not throw.</summary>
    public string? RemoteExceptionType { get; }

    /// <summary>True if the worker process ended while running the item; the pool starts a new one for later items.</summary>
    public bool WorkerCrashed { get; }

    /// <summary>The crashed worker's exit code, when <see cref="WorkerCrashed"/>.</summary>
    public int? ExitCode { get; }
}
