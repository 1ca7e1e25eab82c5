using System.Text.Json;

namespace CoopRuntime;

/// <summary>Settings for a <see cref="ProcessPool"/>.</summary>
public sealed class ProcessPoolOptions
{
    /// <summary>How many worker processes run at most; <see cref="Environment.ProcessorCount"/> by default. Workers start
    /// when work arrives and are restarted the same way after a crash.</summary>
    public int WorkerCount { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// The program to start as a worker. Null (the default) starts the current app again: its executable, or
    /// <c>dotnet</c> with the entry assembly when the app runs as <c>dotnet app.dll</c>.
    /// </summary>
    public string? FileName { get; init; }

    /// <summary>Arguments placed before <see cref="ProcessPool.WorkerArgument"/>, which the pool always appends.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>How arguments and results are (de)serialized; must match the workers' <see cref="ProcessPoolHandlers"/>.
    /// Null for <see cref="JsonSerializerOptions.Default"/>.</summary>
    public JsonSerializerOptions? SerializerOptions { get; init; }

    /// <summary>How long, in loop time, disposing the pool lets workers finish their current item and exit after their
    /// input is closed, before they are killed. Five seconds by default.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
