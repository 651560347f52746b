using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nsm.Healing.Client;

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
