using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Nsm.Api;

namespace Nsm.Healing.Client;

/// <summary>
/// Pings the connection's destination IPs across its kernel interface, as upstream's kernel liveness check does.
/// Up when every destination (or any, see <see cref="IcmpPingLivenessCheckOptions.RequireAllDestinations"/>) answers.
/// </summary>
/// <remarks>
/// Unknown, never Down, when the ping cannot say anything about the vWire: a mechanism other than KERNEL (the packets
/// would not cross it), no or unparseable destination IP, or a host that may not send ICMP (no raw socket, no ping tool).
/// Upstream calls a non-kernel mechanism or a missing IP "alive"; Unknown instead lets the grain's own policy decide,
/// and a Down would make it reselect a connection that may work.
/// </remarks>
public sealed class IcmpPingLivenessCheck : ILivenessCheck
{
    private const string KernelMechanism = "KERNEL";

    private readonly IcmpPingLivenessCheckOptions _options;

    /// <summary>A check with these options, validated now.</summary>
    public IcmpPingLivenessCheck(IcmpPingLivenessCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
    }

    /// <inheritdoc/>
    public async Task<LivenessResult> CheckAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var mechanism = connection.Mechanism?.Type;
        if (mechanism != KernelMechanism)
        {
            return LivenessResult.Unknown($"mechanism '{mechanism}' is not a kernel interface, so a ping from this host would not cross it");
        }

        var destinations = connection.Context?.IpContext?.DstIpAddrs;
        if (destinations is null || destinations.Count == 0)
        {
            return LivenessResult.Unknown("the connection has no destination IP to ping");
        }

        var addresses = new List<IPAddress>(destinations.Count);
        foreach (var destination in destinations)
        {
            // Destinations are CIDRs such as 172.16.1.2/32; only the address is pinged.
            var address = destination.Split('/')[0];
            if (!IPAddress.TryParse(address, out var parsed))
            {
                return LivenessResult.Unknown($"destination '{destination}' is not an IP address");
            }

            addresses.Add(parsed);
        }

        var replies = await Task.WhenAll(addresses.Select(address => PingAsync(address, cancellationToken)));
        return Combine(replies);
    }

    private LivenessResult Combine(LivenessResult[] replies)
    {
        var answered = replies.Where(reply => reply.Verdict == DataPlaneVerdict.Up).ToList();
        var alive = _options.RequireAllDestinations ? answered.Count == replies.Length : answered.Count > 0;
        if (alive)
        {
            return LivenessResult.Up(string.Join("; ", answered.Select(reply => reply.Reason)));
        }

        var unknown = replies.FirstOrDefault(reply => reply.Verdict == DataPlaneVerdict.Unknown);
        return unknown ?? LivenessResult.Down(string.Join("; ", replies.Where(reply => reply.Verdict == DataPlaneVerdict.Down).Select(reply => reply.Reason)));
    }

    private async Task<LivenessResult> PingAsync(IPAddress address, CancellationToken cancellationToken)
    {
        using var ping = new Ping();
        try
        {
            var reply = await ping.SendPingAsync(address, _options.ReplyTimeout, buffer: null, options: null, cancellationToken);
            return reply.Status == IPStatus.Success
                ? LivenessResult.Up($"{address} answered in {reply.RoundtripTime} ms")
                : LivenessResult.Down($"{address} did not answer: {reply.Status}");
        }
        catch (PingException e) when (e.InnerException is SocketException socket && IsAnswerFromTheNetwork(socket.SocketErrorCode))
        {
            return LivenessResult.Down($"{address} is unreachable: {socket.Message}");
        }
        catch (Exception e) when (e is PingException or PlatformNotSupportedException)
        {
            return LivenessResult.Unknown($"this host cannot send ICMP echo requests: {e.InnerException?.Message ?? e.Message}");
        }
    }

    // Errors that say the destination is out of reach (e.g. an ICMP unreachable came back). Any other failure is this
    // host's own (no permission, no ICMP support) and says nothing about the vWire.
    private static bool IsAnswerFromTheNetwork(SocketError error) => error is SocketError.NetworkUnreachable
        or SocketError.NetworkDown or SocketError.HostUnreachable or SocketError.HostDown or SocketError.ConnectionRefused or SocketError.TimedOut;
}
