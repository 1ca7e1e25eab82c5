using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CoopRuntime.Hosting;

/// <summary>Registers event loops as hosted services.</summary>
public static class EventLoopServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted service that runs <paramref name="main"/> on an <see cref="EventLoop"/> of its own thread while the
    /// host runs, and stops it gracefully when the host stops (see <see cref="EventLoopService"/>). Call it once per loop.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="main">The loop's main function, called on the loop thread with the host's services and a token that
    /// is cancelled when the host stops.</param>
    /// <param name="options">Builds the loop's settings from the services; null for the defaults plus, when the host has
    /// logging, an <see cref="EventLoopOptions.Logger"/> from its <see cref="ILoggerFactory"/> (category
    /// <c>CoopRuntime.EventLoop</c>).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddEventLoop(
        this IServiceCollection services,
        Func<IServiceProvider, CancellationToken, Task> main,
        Func<IServiceProvider, EventLoopOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(main);
        services.AddSingleton<IHostedService>(provider =>
        {
            var logger = provider.GetService<ILoggerFactory>()?.CreateLogger("CoopRuntime.EventLoop");
            var loopOptions = options?.Invoke(provider) ?? new EventLoopOptions { Logger = logger };
            return new EventLoopService(
                stoppingToken => main(provider, stoppingToken),
                loopOptions,
                provider.GetService<IHostApplicationLifetime>(),
                logger);
        });
        return services;
    }
}
