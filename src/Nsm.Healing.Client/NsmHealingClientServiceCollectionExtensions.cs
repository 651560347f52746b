using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nsm.Healing.Client;

/// <summary>Dependency injection for NSCs that use the healing cluster.</summary>
public static class NsmHealingClientServiceCollectionExtensions
{
    /// <summary>Registers <see cref="NsmHealingClient"/> over the <see cref="IGrainFactory"/> that <c>UseOrleansClient</c> registers.</summary>
    public static IServiceCollection AddNsmHealingClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<NsmHealingClient>();
        return services;
    }
}
