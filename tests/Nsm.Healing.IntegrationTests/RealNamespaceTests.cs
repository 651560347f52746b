using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.LocalProcesses;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// NSCs in network namespaces of their own (<see cref="NetnsProcess"/>): the silo finds each by its inode among the
/// node's processes, passes it on every call, and closes the connection when the NSC is gone. Needs root.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RealNamespaceTests(ClusterFixture fixture)
{
    [NamespaceFact]
    public async Task The_nscs_namespace_reaches_the_nsmgr_on_request_restore_reselect_and_close()
    {
        await using var nsc = await NetnsProcess.StartAsync();
        var socket = NamespacePassingTests.UnixSocketPath();
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, NamespacePassingTests.TwoNsesOnUnixSocket(socket));
        var id = NscScenario.NewId(nameof(The_nscs_namespace_reaches_the_nsmgr_on_request_restore_reselect_and_close));
        var grain = fixture.Cluster.Connection(id);

        await grain.Request(NamespacePassingTests.KernelRequest(scenario, id, socket, nsc.Namespace.ToUrl()));
        await NamespacePassingTests.WaitForMonitorStream(scenario, socket);
        await scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(200));
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count >= 1);
        await grain.ReportDataPlane(DataPlaneVerdict.Down);
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count >= 2);
        await grain.Close();

        var records = scenario.Simulator.Records.Namespaces(id);
        Assert.Equal(["Request", "Request", "Close", "Request", "Close"], records.Select(r => r.Call));
        Assert.All(records, r => Assert.Equal(nsc.Namespace, r.Namespace));
    }

    [NamespaceFact]
    public async Task The_nsc_going_away_closes_the_connection_without_a_heal()
    {
        var nsc = await NetnsProcess.StartAsync();
        var socket = NamespacePassingTests.UnixSocketPath();
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, NamespacePassingTests.TwoNsesOnUnixSocket(socket));
        var id = NscScenario.NewId(nameof(The_nsc_going_away_closes_the_connection_without_a_heal));
        var grain = fixture.Cluster.Connection(id);
        await grain.Request(NamespacePassingTests.KernelRequest(scenario, id, socket, nsc.Namespace.ToUrl()));

        await nsc.DisposeAsync();

        var closed = await Eventually.Phase(grain, ConnectionPhase.Closed);
        Assert.Contains($"the NSC is gone: no process lives in its network namespace {nsc.Namespace.ToUrl()}", closed.Reason);
        Assert.Empty(closed.History);
        // The silo still held the namespace when it closed, so the Close carried it like every other call.
        Assert.Equal(("Close", nsc.Namespace), scenario.Simulator.Records.Namespaces(id).Select(r => (r.Call, r.Namespace!.Value)).Last());
        Assert.Single(scenario.Simulator.Records.Closes(id));
        Assert.Empty(scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
    }
}
