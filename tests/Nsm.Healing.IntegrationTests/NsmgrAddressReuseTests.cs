using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nsm.Api;
using Nsm.Healing.Identity;
using Nsm.Healing.LocalProcesses;
using Nsm.Healing.Nsmgr;
using Nsm.Identity;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// Another NSMgr comes to listen at an address an earlier one used (restarted under another identity, or given the port
/// another node's NSMgr had). The silo's channel to that address still knows the earlier NSMgr's certificate, and its
/// first token names the earlier NSMgr: the new one refuses it, and the call must be signed again for the NSMgr its
/// connection's handshake met, not fail.
/// </summary>
public sealed class NsmgrAddressReuseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_call_to_another_nsmgr_at_a_known_address_is_signed_again_for_the_nsmgr_its_handshake_met()
    {
        var port = FreePorts.Take(1)[0];
        await using var svids = new WorkloadApiSvidSource(DevelopmentTrust.WorkloadApiSocket, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance);
        svids.Start();
        await svids.WaitForFirstAsync(Timeout, CancellationToken.None);
        var nsmgrs = Options.Create(new NsmgrClientOptions { AllowedAddresses = HealingCluster.LoopbackNsmgrs });
        var identity = Options.Create(new IdentityOptions());
        using var channels = new NsmgrChannelPool(nsmgrs, new NsmgrAddressAllowList(nsmgrs), TimeProvider.System, svids, identity);
        var client = new NsmgrClient(channels, svids, new NsmTokenSigner(identity, TimeProvider.System), nsmgrs);

        await using (var earlier = await NsmSimulator.StartAsync(OneNodeAt(port, "nsmgr-2")))
        {
            await client.RequestAsync(earlier.NsmgrAddress("nsmgr-2"), NscRequest(NscScenario.NewId("earlier")), null, Timeout, CancellationToken.None);
        }

        await using var later = await NsmSimulator.StartAsync(OneNodeAt(port, "nsmgr-1"));
        var id = NscScenario.NewId("later");
        var answer = await client.RequestAsync(later.NsmgrAddress("nsmgr-1"), NscRequest(id), null, Timeout, CancellationToken.None);

        var token = NsmTokens.Read(answer.Connection.Path.PathSegments[0].Token)!;
        Assert.Equal([later.IdentityOf("nsmgr-1")!.ToString()], token.Audiences);
        Assert.Equal([StatusCode.PermissionDenied, StatusCode.OK], later.Records.Requests(id).Select(r => r.Outcome));
        Assert.Contains("tokens_chained", later.Records.Requests(id)[0].Error, StringComparison.Ordinal);
    }

    /// <summary>A first Request as the NSC's own hop sends it: its path holds segment 0, named by the connection id.</summary>
    private static NetworkServiceRequest NscRequest(string id)
    {
        var request = NscScenario.NewRequest(id);
        request.Connection.Path = new Api.Path { PathSegments = { new PathSegment { Name = "nsc", Id = id } } };
        return request;
    }

    private static SimulatorTopology OneNodeAt(int port, string nsmgr) => SimulatorTopology.Builder()
        .AddNode("node-1", nsmgr, node => node.WithForwarders("fwd-1a").AddNse("nse-1", "ns-1").WithPort(port))
        .Build();
}
