using System.Net.Sockets;
using Grpc.Health.V1;
using Nsm.Simulator.Tests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests;

public sealed class UnixSocketTests
{
    [Fact]
    public async Task Nsmgr_also_serves_on_its_unix_socket()
    {
        var socket = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsm-{Guid.NewGuid():N}.sock");
        var topology = SimulatorTopology.Builder()
            .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a").AddNse("nse-1", "ns-1").WithUnixSocket(socket))
            .Build();
        await using (var sim = await Sim.StartAsync(topology))
        {
            Assert.Equal(socket, sim.NsmgrUnixSocket("nsmgr-1"));
            using var nsc = new NscClient("http://localhost", unixSocket: socket);

            var connection = await nsc.RequestAsync("c-1");

            Assert.Equal("nse-1", connection.NetworkServiceEndpointName);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await nsc.HealthOfAsync("networkservice.NetworkService"));
            Assert.Equal("nsmgr-1", Assert.Single(sim.Records.Requests()).Nsmgr);
        }

        Assert.False(System.IO.File.Exists(socket));
    }

    [Fact]
    public async Task Socket_file_left_by_a_dead_process_is_reclaimed()
    {
        var socket = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsm-{Guid.NewGuid():N}.sock");
        // Bound but never listening: the file is there and nothing answers, as after a crash.
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        dead.Bind(new UnixDomainSocketEndPoint(socket));
        Assert.True(System.IO.File.Exists(socket));
        var topology = SimulatorTopology.Builder()
            .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a").AddNse("nse-1", "ns-1").WithUnixSocket(socket))
            .Build();
        await using var sim = await Sim.StartAsync(topology);
        using var nsc = new NscClient("http://localhost", unixSocket: socket);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await nsc.HealthOfAsync(string.Empty));
    }
}
