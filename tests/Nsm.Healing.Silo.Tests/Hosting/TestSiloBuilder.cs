using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Nsm.Healing.Silo.Tests.Hosting;

/// <summary>Just the service collection of a silo, to see which Orleans options the host's extensions set.</summary>
public sealed class TestSiloBuilder : ISiloBuilder
{
    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();

    public T Options<T>() where T : class => Services.BuildServiceProvider().GetRequiredService<Microsoft.Extensions.Options.IOptions<T>>().Value;
}
