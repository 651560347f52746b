namespace Nsm.Simulator.Keepalive;

/// <summary>
/// How an NSMgr polices client HTTP/2 PINGs, as a grpc-go server does (keepalive.EnforcementPolicy). A real NSMgr
/// runs grpc-go with the defaults, so <see cref="Default"/> is what the simulator enforces unless a test asks otherwise.
/// </summary>
/// <param name="MinTime">A PING sooner than this after the previous one is a strike, unless the server sent HEADERS or DATA in between.</param>
/// <param name="MaxStrikes">Strikes tolerated; the next one earns GOAWAY ENHANCE_YOUR_CALM "too_many_pings" and a closed connection.</param>
/// <param name="PermitWithoutStream">When false, a PING while no stream is open is a strike if it comes within <see cref="NoStreamMinTime"/> of the previous one.</param>
public sealed record KeepalivePolicy(TimeSpan MinTime, int MaxStrikes = 2, bool PermitWithoutStream = false)
{
    /// <summary>grpc-go's defaults: MinTime 5 min, 2 strikes tolerated, no pings without a stream.</summary>
    public static KeepalivePolicy Default { get; } = new(TimeSpan.FromMinutes(5));

    /// <summary>grpc-go's fixed interval for pings on a connection with no stream open (defaultPingTimeout).</summary>
    public static readonly TimeSpan NoStreamMinTime = TimeSpan.FromHours(2);

    /// <summary>Throws <see cref="ArgumentException"/> naming every field that breaks its rule.</summary>
    public KeepalivePolicy Validate()
    {
        var problems = new List<string>();
        if (MinTime < TimeSpan.Zero) problems.Add($"keepalive {nameof(MinTime)} must not be negative (was {MinTime})");
        if (MaxStrikes < 0) problems.Add($"keepalive {nameof(MaxStrikes)} must not be negative (was {MaxStrikes})");
        return problems.Count == 0 ? this : throw new ArgumentException(string.Join("; ", problems), nameof(KeepalivePolicy));
    }
}
