namespace Nsm.Simulator.Keepalive;

/// <summary>
/// grpc-go's ping policing for one connection, as plain code: each client PING is judged against the previous PING
/// (not against data); a server HEADERS or DATA frame sent since then forgives the next PING and clears the strikes.
/// </summary>
internal sealed class PingStrikes(KeepalivePolicy policy)
{
    private DateTimeOffset? _lastPingAt;
    private int _strikes;
    // Set by the outbound side (server frames), taken by the inbound side (client PINGs).
    private int _reset;

    public int Strikes => _strikes;

    /// <summary>The server sent HEADERS or DATA.</summary>
    public void OnServerHeadersOrData() => Volatile.Write(ref _reset, 1);

    /// <summary>Judges a client PING (not an ACK).</summary>
    /// <returns>Whether the client has now earned GOAWAY ENHANCE_YOUR_CALM.</returns>
    public bool OnClientPing(DateTimeOffset now, bool streamOpen)
    {
        var last = _lastPingAt;
        _lastPingAt = now;
        if (Interlocked.Exchange(ref _reset, 0) == 1)
        {
            _strikes = 0;
            return false;
        }

        var minTime = streamOpen || policy.PermitWithoutStream ? policy.MinTime : KeepalivePolicy.NoStreamMinTime;
        if (last is { } previous && previous + minTime > now)
        {
            _strikes++;
        }

        return _strikes > policy.MaxStrikes;
    }
}
