using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nsm.Healing.Nsmgr;

namespace Nsm.Healing.Tests;

/// <summary>The pool dials only allowed NSMgrs, closes channels nobody uses, and keeps a bounded number open. No socket is opened.</summary>
public sealed class NsmgrChannelPoolTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new();

    private NsmgrChannelPool Pool(int maxOpen = 16)
    {
        var options = Options.Create(new NsmgrClientOptions { AllowedAddresses = ["http://127.0.0.1:*"], IdleChannelTimeout = Idle, MaxOpenChannels = maxOpen });
        return new NsmgrChannelPool(options, new NsmgrAddressAllowList(options), _time);
    }

    [Fact]
    public void A_channel_nobody_rented_for_the_idle_timeout_is_closed()
    {
        using var pool = Pool();
        pool.Rent("http://127.0.0.1:5001").Dispose();

        _time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Equal(1, pool.Open);
        _time.Advance(Idle);

        Assert.Equal(0, pool.Open);
    }

    [Fact]
    public void A_channel_held_by_a_stream_stays_open_however_long()
    {
        using var pool = Pool();
        using var stream = pool.Rent("http://127.0.0.1:5001");

        _time.Advance(Idle * 10);

        Assert.Equal(1, pool.Open);
        Assert.Same(stream.Channel, pool.Rent("http://127.0.0.1:5001").Channel);
    }

    [Fact]
    public void Beyond_the_cap_the_longest_idle_channel_is_closed_first()
    {
        using var pool = Pool(maxOpen: 2);
        var longestIdle = Rented(pool, "http://127.0.0.1:5001");
        _time.Advance(TimeSpan.FromSeconds(1));
        var recent = Rented(pool, "http://127.0.0.1:5002");

        using var third = pool.Rent("http://127.0.0.1:5003");

        Assert.Equal(2, pool.Open);
        Assert.Same(recent, Rented(pool, "http://127.0.0.1:5002"));
        Assert.NotSame(longestIdle, Rented(pool, "http://127.0.0.1:5001"));
    }

    [Fact]
    public void Beyond_the_cap_with_every_channel_in_use_the_dial_is_refused_naming_the_setting()
    {
        using var pool = Pool(maxOpen: 1);
        using var held = pool.Rent("http://127.0.0.1:5001");

        var error = Assert.Throws<NsmRequestFailedException>(() => pool.Rent("http://127.0.0.1:5002"));

        Assert.Equal("Unavailable", error.StatusCode);
        Assert.Contains("Nsm:Nsmgr:MaxOpenChannels (1)", error.Message);
        Assert.Contains("http://127.0.0.1:5002", error.Message);
    }

    [Fact]
    public void An_address_outside_the_allow_list_is_never_dialed()
    {
        using var pool = Pool();

        var error = Assert.Throws<NsmRequestFailedException>(() => pool.Rent("http://attacker:5001"));

        Assert.Contains("'http://attacker:5001'", error.Message);
        Assert.Equal(0, pool.Open);
    }

    private static Grpc.Net.Client.GrpcChannel Rented(NsmgrChannelPool pool, string address)
    {
        using var lease = pool.Rent(address);
        return lease.Channel;
    }

    [Fact]
    public void Tcp_sockets_give_up_on_a_silent_nsmgr_within_the_dead_peer_timeout()
    {
        using var socket = NsmgrConnector.TcpSocket(TimeSpan.FromSeconds(30));

        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        var idle = (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!;
        var interval = (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!;
        var probes = (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!;
        Assert.Equal(30, idle + interval * probes);
        if (OperatingSystem.IsLinux())
        {
            var userTimeout = new byte[4];
            socket.GetRawSocketOption((int)SocketOptionLevel.Tcp, 18, userTimeout);
            Assert.Equal(30_000u, BitConverter.ToUInt32(userTimeout));
        }
    }
}
