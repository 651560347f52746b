using Microsoft.Extensions.Logging.Abstractions;
using Nsm.Healing.Client;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.DataPlane;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The seed's three statements with real interfaces: the simulator's forwarders wire a veth pair into the NSC's own
/// namespace, and the NSC's liveness is an ICMP echo from inside that namespace to the NSE-side address
/// (<see cref="IcmpPingLivenessCheck"/> in a <see cref="NamespacedLivenessCheck"/>). Needs root.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class VWireHealingTests(ClusterFixture fixture)
{
    private const string Interface = "nsm-vwire";

    [KernelFact]
    public async Task Control_plane_down_keeps_the_same_interface_and_the_pings_never_stop()
    {
        await using var nsc = await VWireNsc.StartAsync();
        await using var world = await VWireWorld.StartAsync(fixture, nsc, nameof(Control_plane_down_keeps_the_same_interface_and_the_pings_never_stop));
        var before = nsc.Interfaces()[Interface];
        await Eventually.True(() => world.Pings.Answers.Count >= 3, "a few pings before the fault");
        var faultAt = DateTimeOffset.UtcNow;

        await world.Scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(300));
        var restored = await Eventually.Phase(world.Grain, ConnectionPhase.Up, s => s.History.Count >= 1);
        var afterRestore = world.Pings.Answers.Count;
        await Eventually.True(() => world.Pings.Answers.Count >= afterRestore + 3, "a few pings after the restore");

        Assert.Equal(HealDecision.Restore, restored.History.Single().Decision);
        Assert.Equal(before, nsc.Interfaces()[Interface]);
        var pings = world.Pings.Since(faultAt);
        Assert.All(pings, ping => Assert.True(ping.Verdict == DataPlaneVerdict.Up, $"a ping failed across the NSMgr restart: {ping.Reason}"));
    }

    [KernelFact]
    public async Task Data_plane_down_removes_the_old_interface_and_pings_resume_over_a_new_one_to_a_new_endpoint()
    {
        await using var nsc = await VWireNsc.StartAsync();
        await using var world = await VWireWorld.StartAsync(fixture, nsc, nameof(Data_plane_down_removes_the_old_interface_and_pings_resume_over_a_new_one_to_a_new_endpoint));
        var before = world.Scenario.Simulator.VWireOf(world.Id)!;
        var endpointBefore = (await world.Grain.GetState()).Endpoint;
        // As upstream, whose NSC checks the vWire when the DOWN comes: the grain must not hold an old "it works".
        // Up first: before the reporter's first verdict the grain knows nothing either, and that verdict could land after the fault.
        await Eventually.True(async () => (await world.Grain.GetState()).DataPlane == DataPlaneVerdict.Up, "the reporter's first Up verdict");
        await Eventually.True(async () => (await world.Grain.GetState()).DataPlane == DataPlaneVerdict.Unknown, "the first Up verdict to go stale");

        world.Scenario.Simulator.Faults.KillForwarder(world.Scenario.Simulator.WiringOf(world.Id)!.Forwarders[0]);
        Assert.Empty(nsc.Interfaces());
        var healed = await Eventually.Phase(world.Grain, ConnectionPhase.Up, s => s.Endpoint != endpointBefore);
        var healedAt = DateTimeOffset.UtcNow;
        await Eventually.True(() => world.Pings.Since(healedAt) is { Count: > 0 } answers && answers[^1].Verdict == DataPlaneVerdict.Up, "pings to answer over the new vWire");

        Assert.Equal(HealDecision.Reselect, healed.History.Single().Decision);
        var after = world.Scenario.Simulator.VWireOf(world.Id)!;
        Assert.NotEqual(before.NscIfindex, after.NscIfindex);
        Assert.NotEqual(before.NseNamespace, after.NseNamespace);
        Assert.Equal(after.NscIfindex, Assert.Single(nsc.Interfaces()).Value);
        Assert.Equal(after.NseAddress, healed.Connection!.Context.IpContext.DstIpAddrs.Single());
    }

    [KernelFact]
    public async Task Close_removes_the_interface_and_leaves_nothing_in_any_namespace()
    {
        await using var nsc = await VWireNsc.StartAsync();
        string nseNamespace;
        await using (var world = await VWireWorld.StartAsync(fixture, nsc, nameof(Close_removes_the_interface_and_leaves_nothing_in_any_namespace)))
        {
            nseNamespace = world.Scenario.Simulator.VWireOf(world.Id)!.NseNamespace;

            await world.Grain.Close();

            Assert.Empty(nsc.Interfaces());
            Assert.Empty(VWireNsc.InterfacesIn(nseNamespace));
            Assert.Null(world.Scenario.Simulator.VWireOf(world.Id));
        }

        Assert.DoesNotContain(nseNamespace, OwnedNetworkNamespaces.OwnedByThisProcess(OwnedNetworkNamespaces.SimulatorPrefix));
    }

    /// <summary>
    /// A verdict counts for 500 ms and the reporter reports changes only, as in the demo: a DOWN event then meets an
    /// unknown data plane (upstream's NSC checks afresh at that moment) unless the check has just seen the vWire change.
    /// </summary>
    private static readonly HealPolicy Policy = NscScenario.FastPolicy with { DataPlaneVerdictLifetime = TimeSpan.FromMilliseconds(500) };

    /// <summary>One test's kernel-mode simulator, its KERNEL connection Up, an ICMP liveness reporter and a ping log.</summary>
    private sealed class VWireWorld : IAsyncDisposable
    {
        private readonly LivenessReporter _reporter;

        private VWireWorld(NscScenario scenario, string id, IConnectionGrain grain, LivenessReporter reporter, PingLog pings)
        {
            Scenario = scenario;
            Id = id;
            Grain = grain;
            _reporter = reporter;
            Pings = pings;
        }

        public NscScenario Scenario { get; }

        public string Id { get; }

        public IConnectionGrain Grain { get; }

        public PingLog Pings { get; }

        public static async Task<VWireWorld> StartAsync(ClusterFixture fixture, VWireNsc nsc, string test)
        {
            var socket = NamespacePassingTests.UnixSocketPath();
            var scenario = await NscScenario.StartAsync(fixture.Cluster, NamespacePassingTests.TwoNsesOnUnixSocket(socket), dataPlane: DataPlaneMode.Kernel);
            var id = NscScenario.NewId(test);
            var grain = fixture.Cluster.Connection(id);
            var request = NamespacePassingTests.KernelRequest(scenario, id, socket, nsc.Namespace.ToUrl()) with { Policy = Policy };
            request.Request.MechanismPreferences[0].Parameters["name"] = Interface;
            await grain.Request(request);
            await NamespacePassingTests.WaitForMonitorStream(scenario, socket);
            var check = new NamespacedLivenessCheck(new IcmpPingLivenessCheck(new IcmpPingLivenessCheckOptions()), nsc.Path);
            var reporter = new LivenessReporter(
                new NsmHealingClient(fixture.Cluster.Client), id, check,
                new LivenessReporterOptions { CheckInterval = TimeSpan.FromMilliseconds(100), CheckTimeout = TimeSpan.FromSeconds(1), ReaffirmInterval = TimeSpan.FromHours(1) },
                TimeProvider.System, NullLogger<LivenessReporter>.Instance);
            reporter.Start();
            return new VWireWorld(scenario, id, grain, reporter, new PingLog(grain, check));
        }

        public async ValueTask DisposeAsync()
        {
            await Pings.DisposeAsync();
            await _reporter.DisposeAsync();
            await Scenario.DisposeAsync();
        }
    }
}
