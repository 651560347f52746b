using Nsm.Api;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Netns;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// A kernel-mechanism connection through a unix-socket NSMgr: every Request and Close carries the NSC's namespace as a
/// descriptor (below the mTLS), named inode://dev/ino on the wire, and the NSC's own URL comes back. These use this test
/// process's namespace, which needs no privileges; <c>RealNamespaceTests</c> use namespaces of their own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NamespacePassingTests(ClusterFixture fixture)
{
    private static readonly NamespaceInode Own = NamespaceInode.OfPath("/proc/self/ns/net");

    [Fact]
    public async Task First_request_restore_reselect_and_close_each_carry_the_namespace()
    {
        var socket = UnixSocketPath();
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, TwoNsesOnUnixSocket(socket));
        var id = NscScenario.NewId(nameof(First_request_restore_reselect_and_close_each_carry_the_namespace));
        var grain = fixture.Cluster.Connection(id);

        var up = await grain.Request(KernelRequest(scenario, id, socket, Own.ToUrl()));
        Assert.Equal(Own.ToUrl(), up.Connection!.Mechanism.Parameters["inodeURL"]);
        await WaitForMonitorStream(scenario, socket);

        await scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(200));
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count >= 1);
        await grain.ReportDataPlane(DataPlaneVerdict.Down);
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count >= 2);
        await grain.Close();

        var calls = scenario.Simulator.Records.Namespaces(id).Select(r => (r.Call, r.Namespace)).ToList();
        Assert.Equal(
            [("Request", Own), ("Request", Own), ("Close", Own), ("Request", Own), ("Close", Own)],
            calls.Select(c => (c.Call, c.Namespace!.Value)).ToList());
        var history = (await grain.GetState()).History;
        Assert.Equal([HealDecision.Restore, HealDecision.Reselect], history.Select(h => h.Decision));
    }

    [Fact]
    public async Task Kernel_request_to_a_tcp_nsmgr_fails_here_and_reaches_nothing()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId(nameof(Kernel_request_to_a_tcp_nsmgr_fails_here_and_reaches_nothing));
        var request = KernelRequest(scenario, id, socket: null, Own.ToUrl());

        var refused = await Assert.ThrowsAsync<NsmRequestFailedException>(() => fixture.Cluster.Connection(id).Request(request));

        Assert.Equal("InvalidArgument", refused.StatusCode);
        Assert.Contains("travels only over a unix socket", refused.Message);
        Assert.Empty(scenario.Simulator.Records.Requests(id));
    }

    [Fact]
    public async Task A_namespace_no_process_lives_in_is_refused_before_anything_is_sent()
    {
        var socket = UnixSocketPath();
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, TwoNsesOnUnixSocket(socket));
        var id = NscScenario.NewId(nameof(A_namespace_no_process_lives_in_is_refused_before_anything_is_sent));
        var nowhere = new NamespaceInode(Own.Dev, 1).ToUrl();

        var refused = await Assert.ThrowsAsync<NsmRequestFailedException>(() => fixture.Cluster.Connection(id).Request(KernelRequest(scenario, id, socket, nowhere)));

        Assert.Equal("FailedPrecondition", refused.StatusCode);
        Assert.Contains($"no process on this node lives in network namespace {nowhere}", refused.Message);
        Assert.Empty(scenario.Simulator.Records.Requests(id));
        Assert.Equal(ConnectionPhase.None, (await fixture.Cluster.Connection(id).GetState()).Phase);
    }

    internal static async Task WaitForMonitorStream(NscScenario scenario, string socket, string nsmgr = "nsmgr-1") =>
        await Eventually.True(async () =>
            scenario.Simulator.Records.OpenMonitorStreams(nsmgr) == 1
            && (await scenario.Cluster.Monitor($"unix://{socket}").GetStatus()).StreamConnected,
            $"the monitor stream to {nsmgr} on its unix socket");

    internal static string UnixSocketPath() => System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsm-{Guid.NewGuid():N}.sock");

    internal static SimulatorTopology TwoNsesOnUnixSocket(string socket) => SimulatorTopology.Builder()
        .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a", "fwd-1b").AddNse("nse-1a", "ns-1").AddNse("nse-1b", "ns-1").WithUnixSocket(socket))
        .Build();

    /// <summary>The scenario's request for <paramref name="id"/>, with a KERNEL mechanism naming <paramref name="inodeUrl"/>.</summary>
    internal static ConnectionRequest KernelRequest(NscScenario scenario, string id, string? socket, string inodeUrl)
    {
        var request = scenario.RequestFor(id);
        var nsc = request.Request.Clone();
        nsc.MechanismPreferences.Clear();
        nsc.MechanismPreferences.Add(new Mechanism { Cls = "LOCAL", Type = "KERNEL", Parameters = { ["inodeURL"] = inodeUrl } });
        return request with { NsmgrAddress = socket is null ? request.NsmgrAddress : $"unix://{socket}", Request = nsc };
    }
}
