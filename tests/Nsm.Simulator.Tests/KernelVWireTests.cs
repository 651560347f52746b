using Grpc.Core;
using Nsm.Netns;
using Nsm.Simulator.DataPlane;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Tests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests;

/// <summary>
/// Kernel vWires: each KERNEL Request gets a veth pair, one end in the NSC's namespace (a namespace of the test's
/// own), the other in a namespace the simulator keeps for the NSE; faults and the data-plane truth act on the kernel.
/// Every assertion on interfaces reads the kernel with iproute2, not the simulator.
/// </summary>
public sealed class KernelVWireTests : IAsyncLifetime
{
    private readonly string _socket = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsm-{Guid.NewGuid():N}.sock");
    private readonly TestNamespace _nsc = new();
    private NsmSimulator _sim = null!;
    private bool _simDisposed;

    public async Task InitializeAsync()
    {
        try
        {
            _sim = await NsmSimulator.StartAsync(
                SimulatorTopology.Builder()
                    .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a", "fwd-1b").AddNse("nse-1a", "ns-1").AddNse("nse-1b", "ns-1").WithUnixSocket(_socket))
                    .Build(),
                security: SimulatorSecurity.Plaintext,
                dataPlane: DataPlaneMode.Kernel);
        }
        catch
        {
            // xunit does not call DisposeAsync after a failed InitializeAsync.
            _nsc.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (!_simDisposed)
            {
                await _sim.DisposeAsync();
            }
        }
        finally
        {
            _nsc.Dispose();
        }
    }

    [KernelFact]
    public async Task A_kernel_request_puts_one_end_in_the_nscs_namespace_and_one_in_the_nses_addressed_from_the_ip_context_and_up()
    {
        using var nsc = new DescriptorNsc(_socket);
        using var netns = _nsc.Open();

        var connection = await nsc.RequestAsync(DescriptorNsc.KernelRequest("c-1", _nsc.Inode, interfaceName: "nsm-c1"), netns);

        var src = Assert.Single(connection.Context.IpContext.SrcIpAddrs);
        var dst = Assert.Single(connection.Context.IpContext.DstIpAddrs);
        Assert.StartsWith("169.254.", src);
        var nscEnd = _nsc.Show("nsm-c1");
        Assert.NotNull(nscEnd);
        Assert.Equal([src], nscEnd.Value.Addresses);
        Assert.Contains("LOWER_UP", nscEnd.Value.Flags);
        var vwire = _sim.VWireOf("c-1")!;
        var nseEnd = TestNamespace.ShowIn(vwire.NseNamespace, vwire.NseInterface);
        Assert.Equal([dst], nseEnd!.Value.Addresses);
        Assert.Contains("LOWER_UP", nseEnd.Value.Flags);
        Assert.Equal(_nsc.Interfaces()["nsm-c1"], vwire.NscIfindex);
        Assert.True(_sim.IsDataPlaneUp("c-1"));
        Assert.Equal(DataPlaneMode.Kernel, _sim.DataPlane.Mode);
    }

    [KernelFact]
    public async Task A_restore_through_the_same_forwarder_and_nse_keeps_the_interface_untouched_across_an_nsmgr_restart()
    {
        using var nsc = new DescriptorNsc(_socket);
        using var netns = _nsc.Open();
        var first = await nsc.RequestAsync(DescriptorNsc.KernelRequest("c-2", _nsc.Inode), netns);
        var before = _nsc.Interfaces();

        await _sim.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(50));
        var restored = await nsc.RequestAsync(DescriptorNsc.Restore(first), netns);

        Assert.Equal(first.NetworkServiceEndpointName, restored.NetworkServiceEndpointName);
        Assert.Equal("nsm-1", Assert.Single(before).Key);
        Assert.Equal(before, _nsc.Interfaces());
        Assert.True(_sim.IsDataPlaneUp("c-2"));
    }

    [KernelFact]
    public async Task A_killed_forwarder_deletes_its_pairs_and_the_truth_read_from_the_kernel_says_down()
    {
        using var nsc = new DescriptorNsc(_socket);
        using var netns = _nsc.Open();
        await nsc.RequestAsync(DescriptorNsc.KernelRequest("c-3", _nsc.Inode), netns);
        var vwire = _sim.VWireOf("c-3")!;

        _sim.Faults.KillForwarder("fwd-1a");

        Assert.Empty(_nsc.Interfaces());
        Assert.Empty(TestNamespace.InterfacesOf(vwire.NseNamespace));
        Assert.False(_sim.IsDataPlaneUp("c-3"));
    }

    [KernelFact]
    public async Task Breaking_one_data_plane_downs_the_nse_end_and_leaves_the_nsc_end_in_place()
    {
        using var nsc = new DescriptorNsc(_socket);
        using var netns = _nsc.Open();
        await nsc.RequestAsync(DescriptorNsc.KernelRequest("c-4", _nsc.Inode, interfaceName: "nsm-c4"), netns);
        var vwire = _sim.VWireOf("c-4")!;

        _sim.Faults.BreakDataPlane("c-4");

        Assert.DoesNotContain("UP", TestNamespace.ShowIn(vwire.NseNamespace, vwire.NseInterface)!.Value.Flags);
        Assert.DoesNotContain("LOWER_UP", _nsc.Show("nsm-c4")!.Value.Flags);
        Assert.False(_sim.IsDataPlaneUp("c-4"));
        Assert.False(_sim.VWireOf("c-4")!.Up);
    }

    [KernelFact]
    public async Task A_reselect_after_a_dead_nse_removes_its_namespace_and_wires_a_new_pair_to_the_other_nse()
    {
        using var nsc = new DescriptorNsc(_socket);
        using var netns = _nsc.Open();
        var first = await nsc.RequestAsync(DescriptorNsc.KernelRequest("c-5", _nsc.Inode, interfaceName: "nsm-c5"), netns);
        var old = _sim.VWireOf("c-5")!;

        _sim.Faults.KillNse(first.NetworkServiceEndpointName);
        Assert.False(TestNamespace.Exists(old.NseNamespace));
        Assert.Empty(_nsc.Interfaces());
        var reselect = NscRequests.Reselect(first);
        reselect.MechanismPreferences.Clear();
        reselect.MechanismPreferences.Add(first.Mechanism.Clone());
        var healed = await nsc.RequestAsync(reselect, netns);

        Assert.NotEqual(first.NetworkServiceEndpointName, healed.NetworkServiceEndpointName);
        var now = _sim.VWireOf("c-5")!;
        Assert.NotEqual(old.NseNamespace, now.NseNamespace);
        Assert.Equal(now.NscIfindex, _nsc.Interfaces()["nsm-c5"]);
        Assert.True(now.Up);
    }

    [KernelFact]
    public async Task Close_deletes_the_pair_and_disposing_the_simulator_deletes_its_namespaces()
    {
        using var nsc = new DescriptorNsc(_socket);
        using var netns = _nsc.Open();
        var connection = await nsc.RequestAsync(DescriptorNsc.KernelRequest("c-6", _nsc.Inode), netns);
        var vwire = _sim.VWireOf("c-6")!;

        await nsc.CloseAsync(connection, netns);

        Assert.Empty(_nsc.Interfaces());
        Assert.Empty(TestNamespace.InterfacesOf(vwire.NseNamespace));
        Assert.Null(_sim.VWireOf("c-6"));
        await _sim.DisposeAsync();
        _simDisposed = true;
        Assert.False(TestNamespace.Exists(vwire.NseNamespace));
    }

    [KernelFact]
    public async Task The_simulators_own_namespace_gets_no_interface()
    {
        using var nsc = new DescriptorNsc(_socket);
        using var own = NamespaceInode.Open("/proc/self/ns/net");
        var before = TestNamespace.InterfacesOfProcess();

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(DescriptorNsc.KernelRequest("c-7", NamespaceInode.OfPath("/proc/self/ns/net")), own));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("needs an NSC namespace of its own", refused.Status.Detail);
        Assert.Null(_sim.WiringOf("c-7"));
        Assert.Equal(before, TestNamespace.InterfacesOfProcess());
    }

    [KernelFact]
    public async Task A_name_the_kernel_would_refuse_fails_the_request_naming_the_parameter()
    {
        using var nsc = new DescriptorNsc(_socket);
        using var netns = _nsc.Open();

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(DescriptorNsc.KernelRequest("c-8", _nsc.Inode, interfaceName: "a-name-far-too-long"), netns));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("mechanism parameter name 'a-name-far-too-long' is not an interface name", refused.Status.Detail);
        Assert.Null(_sim.WiringOf("c-8"));
        Assert.Empty(_nsc.Interfaces());
    }
}
