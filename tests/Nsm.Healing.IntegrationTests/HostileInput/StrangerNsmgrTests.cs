using Nsm.Api;
using Nsm.Healing.IntegrationTests.HostileInput.Support;
using Nsm.Healing.IntegrationTests.Support;

namespace Nsm.Healing.IntegrationTests.HostileInput;

/// <summary>
/// An NSC naming an NSMgr the operator did not allow: the grain refuses it, naming the address, before anything is stored
/// or dialed, so the silo's token and certificate never reach it. The cluster allows http(s)://127.0.0.1 (and
/// https://localhost) only; the same server written as tcp://localhost is a stranger.
/// </summary>
[Collection(HostileClusterCollection.Name)]
public sealed class StrangerNsmgrTests(HostileClusterFixture fixture)
{
    [Fact]
    public async Task A_request_at_an_address_not_allowed_is_refused_naming_it_and_nothing_is_stored_or_dialed()
    {
        await using var stranger = await HostileNsmgr.StartAsync();
        var address = $"tcp://localhost:{new Uri(stranger.Address).Port}";
        var id = NscScenario.NewId("stranger");
        var grain = fixture.Connection(id);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.Request(fixture.RequestFor(id, address)));

        Assert.Contains($"'{address}'", error.Message);
        Assert.Contains("Nsm:Nsmgr:AllowedAddresses", error.Message);
        Assert.Equal(0, stranger.Requests);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Equal(0, (await fixture.Monitor(NsmgrAddress.Canonicalize(address)).GetStatus()).RegisteredConnections);
    }

    [Fact]
    public async Task Adopting_a_connection_at_an_address_not_allowed_is_refused_naming_it()
    {
        await using var stranger = await HostileNsmgr.StartAsync();
        var address = $"tcp://localhost:{new Uri(stranger.Address).Port}";
        var id = NscScenario.NewId("stranger-adopt");
        var request = NscScenario.NewRequest(id);
        request.Connection.Path = new Path { PathSegments = { new PathSegment { Name = "nsc", Id = id } } };
        var grain = fixture.Connection(id);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.Adopt(new AdoptRequest
        {
            NsmgrAddress = address,
            Connection = request.Connection,
            MechanismPreferences = request.MechanismPreferences.ToList(),
            Policy = NscScenario.FastPolicy,
        }));

        Assert.Contains($"'{address}'", error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Equal(0, stranger.MonitorStreamsOpened);
    }
}
