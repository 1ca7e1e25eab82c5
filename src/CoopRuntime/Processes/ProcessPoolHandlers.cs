using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace CoopRuntime;

/// <summary>
/// The work a <see cref="ProcessPool"/> worker can do: named handlers, registered in the app's <c>Main</c> and passed
/// to <see cref="ProcessPool.RunWorker(ProcessPoolHandlers)"/>.
/// </summary>
public sealed class ProcessPoolHandlers
{
    private readonly Dictionary<string, Func<JsonElement, string>> _handlers = new(StringComparer.Ordinal);
    private readonly JsonSerializerOptions? _serializerOptions; // null: System.Text.Json's defaults

    /// <summary>Creates an empty set of handlers.</summary>
    /// <param name="serializerOptions">How arguments and results are (de)serialized; must match
    /// <see cref="ProcessPoolOptions.SerializerOptions"/> on the pool's side. Null for <see cref="JsonSerializerOptions.Default"/>.</param>
    public ProcessPoolHandlers(JsonSerializerOptions? serializerOptions = null) => _serializerOptions = serializerOptions;

    /// <summary>The registered names.</summary>
    public IReadOnlyCollection<string> Names => _handlers.Keys;

    /// <summary>Registers <paramref name="handler"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TArg">The argument type, deserialized from JSON.</typeparam>
    /// <typeparam name="TResult">The result type, serialized to JSON.</typeparam>
    /// <param name="name">The name <see cref="ProcessPool.InvokeAsync{TArg, TResult}(string, TArg, CancellationToken)"/> uses.</param>
    /// <param name="handler">The work. It runs on the worker's main thread, one item at a time; an exception it throws
    /// reaches the caller as a <see cref="ProcessPoolException"/> and the worker carries on.</param>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    [RequiresUnreferencedCode("Arguments and results are serialized with System.Text.Json reflection.")]
    [RequiresDynamicCode("Arguments and results are serialized with System.Text.Json reflection.")]
    public ProcessPoolHandlers Add<TArg, TResult>(string name, Func<TArg, TResult> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(handler);
        if (_handlers.ContainsKey(name))
        {
            throw new ArgumentException($"A handler named '{name}' is already registered.", nameof(name));
        }

        var options = _serializerOptions;
        _handlers.Add(name, arg => JsonSerializer.Serialize(handler(arg.Deserialize<TArg>(options)!), options));
        return this;
    }

    /// <summary>Runs the handler named <paramref name="name"/>; returns the result as JSON.</summary>
    internal string Invoke(string name, JsonElement arg) =>
        _handlers.TryGetValue(name, out var handler)
            ? handler(arg)
            : throw new InvalidOperationException(
                $"This worker has no handler named '{name}'. Registered: {string.Join(", ", _handlers.Keys.Select(k => $"'{k}'"))}.");
}
