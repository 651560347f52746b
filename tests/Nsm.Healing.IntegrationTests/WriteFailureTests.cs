using Grpc.Core;
using Grpc.Net.Client;
using Nsm.Api;
using Nsm.Healing.Connections;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// A write that storage refuses leaves nothing half-done: the connection stays as last stored, the caller gets a clear
/// error, and what the NSMgr already did for the lost write is undone.
/// </summary>
[Collection(FaultClusterCollection.Name)]
public sealed class WriteFailureTests(FaultClusterFixture fixture)
{
    [Fact]
    public async Task A_first_request_that_cannot_be_stored_is_closed_again_and_nothing_is_registered()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("request-unstored");
        var grain = fixture.Cluster.Connection(id);
        fixture.Storage.FailWrites(id);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Request(scenario.RequestFor(id)));

        Assert.Contains("could not be stored", error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Single(scenario.Simulator.Records.Closes(id, reason: CloseReason.Client));
        Assert.DoesNotContain(id, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
        // Nothing left behind: the NSC simply asks again.
        Assert.Equal(ConnectionPhase.Up, (await grain.Request(scenario.RequestFor(id))).Phase);
        await grain.Close();
    }

    [Fact]
    public async Task An_adoption_that_cannot_be_stored_registers_nothing()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("adopt-unstored");
        var request = NscScenario.NewRequest(id);
        request.Connection.Path = new Nsm.Api.Path { PathSegments = { new PathSegment { Name = "nsc-own", Id = id } } };
        // The NSC made this connection itself, with its own SVID and token, before handing it over.
        using var channel = SecureNscChannel.Create(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var established = await new NetworkService.NetworkServiceClient(channel.CallInvoker).RequestAsync(request);
        var grain = fixture.Cluster.Connection(id);
        fixture.Storage.FailWrites(id);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Adopt(new AdoptRequest
        {
            NsmgrAddress = scenario.Simulator.NsmgrAddress("nsmgr-1"),
            Connection = established,
            MechanismPreferences = request.MechanismPreferences.ToList(),
            Policy = NscScenario.FastPolicy,
        }));

        Assert.Contains("could not be stored", error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        // The connection is the NSC's own: it stays at the NSMgr, untouched.
        Assert.Empty(scenario.Simulator.Records.Closes(id));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_reselected_connection_that_cannot_be_stored_is_kept_and_restored_where_it_went()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId("heal-unstored");
        var grain = await scenario.ConnectAsync(id);
        var before = (await grain.GetState()).Connection!;
        // The attempt's claim and its Close of the old connection are stored; the healed connection is not.
        fixture.Storage.FailWrites(id, skip: 2);

        scenario.Simulator.Faults.BreakDataPlane(id);
        await grain.ReportDataPlane(DataPlaneVerdict.Down, before);

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        var records = scenario.Simulator.Records;
        // One data-plane fault, one move: the unstored reselect is restored in place, not closed and reselected again.
        var reselect = Assert.Single(records.Requests(id), r => r.Outcome == StatusCode.OK && r.Reselect);
        Assert.Equal(reselect.Endpoint, healed.Endpoint);
        Assert.Contains(records.Requests(id), r => r.Outcome == StatusCode.OK && !r.Reselect && r.Timestamp > reselect.Timestamp && r.Endpoint == reselect.Endpoint);
        Assert.Empty(records.Closes(id, endpoint: reselect.Endpoint));
        Assert.Empty(records.Duplicates(id));
        var stored = fixture.Storage.Stored<ConnectionState>(id)!;
        Assert.Equal(ConnectionPhase.Up, stored.Phase);
        Assert.Equal(healed.Endpoint, stored.Connection!.NetworkServiceEndpointName);
    }

    [Fact]
    public async Task A_close_that_cannot_be_stored_fails_and_leaves_the_connection_as_stored()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("close-unstored");
        var grain = await scenario.ConnectAsync(id);
        fixture.Storage.FailWrites(id);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(grain.Close);

        Assert.Contains("could not be stored", error.Message);
        // Still registered as stored (the NSMgr's DELETE for the Close it did get may already be healing it back).
        Assert.Contains((await grain.GetState()).Phase, new[] { ConnectionPhase.Up, ConnectionPhase.Healing });
        Assert.NotEqual(ConnectionPhase.Closed, fixture.Storage.Stored<ConnectionState>(id)!.Phase);
        await grain.Close();
        Assert.Equal(ConnectionPhase.Closed, (await grain.GetState()).Phase);
    }

    [Fact]
    public async Task A_pause_that_cannot_be_stored_fails_and_leaves_the_connection_up()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("pause-unstored");
        var grain = await scenario.ConnectAsync(id);
        fixture.Storage.FailWrites(id);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Pause("test"));

        Assert.Contains("could not be stored", error.Message);
        var state = await grain.GetState();
        Assert.Equal(ConnectionPhase.Up, state.Phase);
        Assert.NotNull(state.NextRefreshAt);
    }

    [Fact]
    public async Task A_resume_that_cannot_be_stored_fails_and_leaves_the_connection_paused()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("resume-unstored");
        var grain = await scenario.ConnectAsync(id);
        await grain.Pause("test");
        fixture.Storage.FailWrites(id);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(grain.Resume);

        Assert.Contains("could not be stored", error.Message);
        Assert.Equal(ConnectionPhase.Paused, (await grain.GetState()).Phase);
        Assert.Equal(ConnectionPhase.Paused, fixture.Storage.Stored<ConnectionState>(id)!.Phase);
    }
}
