using Grpc.Core;
using Nsm.Healing.Custody;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// deployments-k8s#12033 against the simulator: every connection landing on nse-1a or nse-1b loses its data plane soon
/// after Up, and the NSMgr's reselect keeps swapping them between the two. The connections find themselves looping, back
/// off, and report it; the NSE they loop onto is quarantined and their reselects name the healthy nse-1c, where they stay.
/// </summary>
public sealed class HealLoopQuarantineTests : IAsyncLifetime
{
    private static readonly string[] Bad = ["nse-1a", "nse-1b"];

    private static readonly HealPolicy LoopPolicy = NscScenario.FastPolicy with { LoopBackoff = TimeSpan.FromMilliseconds(500) };

    private HealingCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await HealingCluster.StartAsync(custody: options =>
    {
        options.ReportInterval = TimeSpan.FromMilliseconds(200);
        options.LoopingConnectionsToQuarantine = 3;
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_looping_nse_is_quarantined_and_the_connections_settle_on_a_healthy_one()
    {
        await using var scenario = await NscScenario.StartAsync(_cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 3));
        // A connection already Up on nse-1c: how the cluster knows a healthy NSE of the service to steer to.
        var witness = NscScenario.NewId("witness");
        var pinned = scenario.RequestFor(witness, policy: LoopPolicy);
        pinned.Request.Connection.NetworkServiceEndpointName = "nse-1c";
        await _cluster.Connection(witness).Request(pinned);
        var ids = Enumerable.Range(1, 3).Select(i => NscScenario.NewId($"looping-{i}")).ToArray();
        foreach (var id in ids)
        {
            await scenario.ConnectAsync(id, policy: LoopPolicy);
        }

        Assert.All(ids, id => Assert.Equal("nse-1a", scenario.Simulator.WiringOf(id)!.Endpoint));
        using var stop = new CancellationTokenSource();
        var badNses = BreakDataPlanesAtBadNses(ids, stop.Token);

        await Eventually.True(async () =>
        {
            var states = await Task.WhenAll(ids.Select(id => _cluster.Connection(id).GetState()));
            return states.All(s => s is { Phase: ConnectionPhase.Up, Endpoint: "nse-1c" });
        }, "every looping connection Up on nse-1c", timeout: TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await badNses;

        var quarantine = await _cluster.Client.GetGrain<IQuarantineGrain>(0).Get();
        Assert.Contains(quarantine.Entries, entry => entry.Kind == EndpointKind.Nse && Bad.Contains(entry.Name) && entry.NetworkServices.Contains("ns-1"));
        Assert.DoesNotContain(quarantine.Entries, entry => entry.Name == "nse-1c");
        var records = scenario.Simulator.Records;
        foreach (var id in ids)
        {
            var state = await _cluster.Connection(id).GetState();
            Assert.True(state.LoopCycles >= HealPolicy.Default.LoopCycles, $"{id}: {state.LoopCycles} loop cycles");
            var accepted = records.Requests(id).Where(r => r.Outcome == StatusCode.OK).ToList();
            var reselects = accepted.Count(r => r.Reselect);
            // Each reselect closed the old connection first, once; nothing stays at the bad NSEs; one at nse-1c.
            Assert.Equal(accepted.Count - 1, reselects);
            Assert.Equal(reselects, records.Closes(id, reason: CloseReason.Client).Count);
            Assert.Equal("nse-1c", accepted[^1].Endpoint);
            Assert.Single(accepted, r => r.Endpoint == "nse-1c");
            Assert.Empty(records.Duplicates(id));
            Assert.Equal(1, records.PeakInFlight(id));
            Assert.DoesNotContain(id, Bad.SelectMany(scenario.Simulator.ConnectionsAt));
            Assert.Contains(id, scenario.Simulator.ConnectionsAt("nse-1c"));
        }

        var radius = await _cluster.Client.GetGrain<IBlastRadiusGrain>(0).Read();
        Assert.Contains(radius.Rows, row => row is { Kind: EndpointKind.Nse, Quarantined: true } && Bad.Contains(row.Name));

        // The operator lifts it: the quarantine is gone, and says who lifted it and why.
        var lifted = quarantine.Entries.First(entry => entry.Kind == EndpointKind.Nse);
        Assert.True(await _cluster.Client.GetGrain<IQuarantineGrain>(0).Lift(EndpointKind.Nse, lifted.Name, "NSE redeployed"));
        var after = await _cluster.Client.GetGrain<IQuarantineGrain>(0).Get();
        Assert.DoesNotContain(after.Entries, entry => entry.Kind == EndpointKind.Nse && entry.Name == lifted.Name);
        Assert.Contains(after.Lifts, lift => lift.Name == lifted.Name && lift.Reason == "NSE redeployed");

        // The NSC's liveness check, as it sees every connection at a bad NSE: the data plane is down there.
        async Task BreakDataPlanesAtBadNses(IReadOnlyList<string> connections, CancellationToken cancellation)
        {
            try
            {
                while (!cancellation.IsCancellationRequested)
                {
                    foreach (var id in connections)
                    {
                        var state = await _cluster.Connection(id).GetState();
                        if (state is { Phase: ConnectionPhase.Up, Endpoint: { } endpoint } && Bad.Contains(endpoint))
                        {
                            await _cluster.Connection(id).ReportDataPlane(DataPlaneVerdict.Down, state.Connection);
                        }
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(20), cancellation);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
            }
        }
    }
}
