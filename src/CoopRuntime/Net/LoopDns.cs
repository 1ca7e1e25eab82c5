using System.Net;

namespace CoopRuntime;

/// <summary>Name resolution for code running on a loop: the lookup runs off the loop, the answer arrives on it.</summary>
public static class LoopDns
{
    /// <summary>
    /// Resolves <paramref name="host"/> to its addresses without blocking the loop. An IP address literal is returned
    /// as it is, without a lookup.
    /// </summary>
    /// <param name="host">A host name or an IP address literal.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The addresses, on the loop thread.</returns>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No loop runs on this thread.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The name could not be resolved.</exception>
    /// <remarks>It uses <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>, which on Linux resolves with
    /// the runtime's asynchronous resolver where available and on the thread pool otherwise; the await resumes on the loop.</remarks>
    public static Task<IPAddress[]> GetHostAddressesAsync(string host, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        EventLoop.RequireCurrent("LoopDns.GetHostAddressesAsync");
        if (IPAddress.TryParse(host, out var literal))
        {
            return Task.FromResult(new[] { literal });
        }

        return ResolveAsync(host, cancellationToken);
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        await Dns.GetHostAddressesAsync(host, cancellationToken);
}
