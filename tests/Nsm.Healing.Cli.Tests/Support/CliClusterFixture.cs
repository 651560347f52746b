using Nsm.Healing.Cli.Cluster;
using Nsm.Simulator;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.Cli.Tests.Support;

/// <summary>
/// An in-process healing cluster and a simulator (one node, two NSEs) shared by the operator tests, and a connector
/// that hands the CLI this cluster's client whatever cluster options it parsed.
/// </summary>
public sealed class CliClusterFixture : IAsyncLifetime, IClusterConnector
{
    private HealingCluster? _cluster;

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("the cluster is not deployed");

    public NsmSimulator Simulator { get; private set; } = null!;

    public string Nsmgr => Simulator.NsmgrAddress("nsmgr-1");

    public async Task InitializeAsync()
    {
        Simulator = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        _cluster = await HealingCluster.StartAsync(silos: 1);
    }

    public CliRun Cli() => CliRun.Against(this);

    /// <summary>Registers a connection through the CLI itself and returns its id.</summary>
    public async Task<string> RequestAsync(string test, string? nsmgr = null)
    {
        var id = $"{test}-{Guid.NewGuid():N}";
        var run = Cli();
        var exit = await run.RunAsync("request", "--nsmgr", nsmgr ?? Nsmgr, "--network-service", "ns-1", "--id", id, "--first-retry-delay", "20ms", "--max-retry-delay", "250ms");
        Assert.True(exit == ExitCodes.Ok, run.ToString());
        return id;
    }

    Task<IClusterSession> IClusterConnector.ConnectAsync(ClusterTarget target, CancellationToken cancellationToken) =>
        Task.FromResult<IClusterSession>(new BorrowedSession(Client));

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await Simulator.DisposeAsync();
    }

    /// <summary>The fixture owns the client; a command's session must not stop it.</summary>
    private sealed class BorrowedSession(IGrainFactory grains) : IClusterSession
    {
        public IGrainFactory Grains { get; } = grains;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class CliClusterCollection : ICollectionFixture<CliClusterFixture>
{
    public const string Name = "cli cluster";
}
