using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Nsm.Api;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Keepalive;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

/// <summary>The simulated NSMgrs police client PINGs the way a grpc-go NSMgr does, on the wire.</summary>
public sealed class KeepaliveEnforcementTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_client_pinging_without_pause_gets_goaway_enhance_your_calm_too_many_pings_and_a_closed_connection()
    {
        await using var sim = await NsmSimulator.StartAsync(Sim.OneNodeTwoNses(), security: SimulatorSecurity.Plaintext);
        var nsmgr = new Uri(sim.NsmgrAddress("nsmgr-1"));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, nsmgr.Port);
        var wire = tcp.GetStream();
        await wire.WriteAsync(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        await wire.WriteAsync(Frame(type: 0x4, payload: []));
        for (var i = 0; i < 4; i++)
        {
            await wire.WriteAsync(Frame(type: 0x6, payload: new byte[8]));
        }

        using var timeout = new CancellationTokenSource(Patience);
        var (errorCode, debug) = await ReadGoAway(wire, timeout.Token);

        Assert.Equal(0xbu, errorCode);
        Assert.Equal("too_many_pings", debug);
        Assert.Equal(0, await wire.ReadAsync(new byte[64], timeout.Token));
        Assert.Equal(1, sim.Keepalive.GoAways);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_grpc_client_pinging_every_second_loses_its_quiet_monitor_stream()
    {
        await using var sim = await NsmSimulator.StartAsync(Sim.OneNodeTwoNses(), keepalive: new KeepalivePolicy(TimeSpan.FromMinutes(1)));
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"), keepAlivePing: TimeSpan.FromSeconds(1));
        using var monitor = await nsc.MonitorFromNowAsync();

        var error = await monitor.EndAsync();

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("ENHANCE_YOUR_CALM", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, sim.Keepalive.GoAways);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_quiet_monitor_stream_outlives_several_strike_periods_when_pings_respect_min_time()
    {
        var policy = new KeepalivePolicy(TimeSpan.FromMilliseconds(500));
        await using var sim = await NsmSimulator.StartAsync(Sim.OneNodeTwoNses(), keepalive: policy);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"), keepAlivePing: TimeSpan.FromSeconds(1));
        using var monitor = await nsc.MonitorFromNowAsync();

        // A ping a second on a silent stream: had they been strikes, the third would have closed the connection.
        await Eventually.True(() => sim.Keepalive.Pings >= 6, "the NSMgr has seen six pings on the quiet stream");
        await nsc.RequestAsync("c-quiet");

        var (_, update) = await monitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal(State.Up, update.State);
        Assert.Equal(0, sim.Keepalive.GoAways);
    }

    private static byte[] Frame(byte type, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        payload.CopyTo(frame, 9);
        return frame;
    }

    private static async Task<(uint ErrorCode, string Debug)> ReadGoAway(NetworkStream wire, CancellationToken cancellationToken)
    {
        var header = new byte[9];
        while (true)
        {
            await wire.ReadExactlyAsync(header, cancellationToken);
            var payload = new byte[header[0] << 16 | header[1] << 8 | header[2]];
            await wire.ReadExactlyAsync(payload, cancellationToken);
            if (header[3] == 0x7)
            {
                return (BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)), Encoding.ASCII.GetString(payload, 8, payload.Length - 8));
            }
        }
    }
}
