using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nsm.Healing.Admission;
using Nsm.Healing.Custody;
using Microsoft.Extensions.Logging;
using Nsm.Healing.Decisions;
using Nsm.Healing.Identity;
using Nsm.Identity;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Namespaces;
using Nsm.Healing.Nsmgr;
using Nsm.Healing.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Nsm.Healing.Telemetry;
using Orleans.Storage;

namespace Nsm.Healing.Hosting;

public static class HealingSiloBuilderExtensions
{
    /// <summary>
    /// Adds connection healing to a silo. The host still chooses grain storage named
    /// <see cref="Grains.HealingStorage.Name"/> and a reminder service: memory in development, Redis when durable.
    /// </summary>
    public static ISiloBuilder AddNsmHealing(
        this ISiloBuilder builder,
        Action<NsmgrClientOptions>? configureNsmgr = null,
        Action<ConnectionGrainOptions>? configureConnections = null,
        Action<MonitorOptions>? configureMonitor = null,
        Action<IdentityOptions>? configureIdentity = null,
        Action<NodeOptions>? configureNode = null)
    {
        var services = builder.Services;
        AddNodeLocalPlacement(builder, configureNode);
        var connectionOptions = services.AddOptions<ConnectionGrainOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectionGrainOptions>>(new NamedRuleValidator<ConnectionGrainOptions>(o => o.Problems()));
        if (configureConnections is not null)
        {
            connectionOptions.Configure(configureConnections);
        }

        var nsmgrOptions = services.AddOptions<NsmgrClientOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<NsmgrClientOptions>>(new NamedRuleValidator<NsmgrClientOptions>(o => o.Problems()));
        if (configureNsmgr is not null)
        {
            nsmgrOptions.Configure(configureNsmgr);
        }

        // Grain state holds NSM protobuf messages through [GenerateSerializer] surrogates; the Orleans binary
        // serializer honours those (and [Id]/[Alias] across renames), the default JSON one cannot.
        services.Replace(ServiceDescriptor.Singleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>());
        services.AddMetrics();
        services.TryAddSingleton<HealingMetrics>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(JitterSource.Shared);
        var monitorOptions = services.AddOptions<MonitorOptions>().ValidateOnStart();
        if (configureMonitor is not null)
        {
            monitorOptions.Configure(configureMonitor);
        }

        services.AddSingleton<IValidateOptions<MonitorOptions>>(new NamedRuleValidator<MonitorOptions>(o => o.Problems()));
        services.TryAddSingleton<OwnIdentity>();
        services.TryAddSingleton<MonitorStreamRunner>();
        services.TryAddSingleton<AdmissionReserves>();
        services.AddSingleton<MonitorSupervisor>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<MonitorSupervisor>());
        services.TryAddSingleton<NsmgrAddressAllowList>();
        services.TryAddSingleton<NsmgrChannelPool>();
        AddIdentity(services, configureIdentity);
        services.TryAddSingleton<INsmgrClient, NsmgrClient>();
        services.TryAddSingleton<NodeNamespaces>();
        services.TryAddSingleton<INscNamespaces>(provider => provider.GetRequiredService<NodeNamespaces>());
        services.AddHostedService<NscNamespaceWatch>();
        AddCustody(services);
        return builder;
    }

    /// <summary>
    /// Heal-loop quarantine and the blast-radius census. The host binds "Nsm:Custody" (<see cref="CustodyOptions"/>); an
    /// orphan audit replaces <see cref="IOrphanTally"/> to feed the orphan counts.
    /// </summary>
    private static void AddCustody(IServiceCollection services)
    {
        services.AddOptions<CustodyOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CustodyOptions>>(new NamedRuleValidator<CustodyOptions>(o => o.Problems()));
        services.TryAddSingleton<ConnectionCensus>();
        services.TryAddSingleton<QuarantineView>();
        services.TryAddSingleton<IOrphanTally, NoOrphans>();
        services.TryAddSingleton<CustodyMetrics>();
        services.AddSingleton<CustodyReporter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<CustodyReporter>());
    }

    /// <summary>
    /// The silo publishes its node in its metadata; connection grains are placed on their node's silo
    /// (<see cref="NodeLocalPlacementDirector"/>).
    /// </summary>
    private static void AddNodeLocalPlacement(ISiloBuilder builder, Action<NodeOptions>? configureNode)
    {
        var node = new NodeOptions();
        configureNode?.Invoke(node);
        builder.Services.AddOptions<NodeOptions>().Configure(options => options.NodeName = node.NodeName);
        builder.UseSiloMetadata(new Dictionary<string, string> { [NodeKeys.SiloMetadata] = node.NodeName });
        builder.Services.TryAddSingleton<ClusterNodes>();
        builder.Services.AddPlacementDirector<NodeLocalPlacement, NodeLocalPlacementDirector>();
    }

    /// <summary>The silo's SPIFFE identity (Workload API by default), checked and awaited at start-up.</summary>
    private static void AddIdentity(IServiceCollection services, Action<IdentityOptions>? configureIdentity)
    {
        var identityOptions = services.AddOptions<IdentityOptions>().ValidateOnStart();
        if (configureIdentity is not null)
        {
            identityOptions.Configure(configureIdentity);
        }

        services.AddSingleton<IValidateOptions<IdentityOptions>>(new NamedRuleValidator<IdentityOptions>(o => o.Problems(Environment.GetEnvironmentVariable)));
        services.TryAddSingleton<IX509SvidSource>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<IdentityOptions>>().Value;
            var time = provider.GetRequiredService<TimeProvider>();
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Nsm.Healing.Identity");
            return options.Source switch
            {
                IdentitySource.WorkloadApi => new WorkloadApiSvidSource(options.ResolvedSocket(Environment.GetEnvironmentVariable)!, options.ReconnectMaxDelay, time, logger),
                IdentitySource.Files => new FileSvidSource(options, time, logger),
                _ => new PlaintextIdentity(),
            };
        });
        services.AddHostedService<IdentityStartup>();
        services.TryAddSingleton<NsmTokenSigner>();
    }
}
