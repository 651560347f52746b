namespace Nsm.Simulator.Identity;

/// <summary>
/// How the simulated NSMgrs authenticate and authorize callers. The default is what a production NSM runs: mTLS with
/// SPIFFE SVIDs from <see cref="DevelopmentTrust"/> and cmd-nsmgr's token policies on every Request and Close.
/// <see cref="Plaintext"/> (h2c, no checks) must be asked for.
/// </summary>
public sealed record SimulatorSecurity
{
    /// <summary>h2c and no authorization: what the simulator did before NSM identity was modelled.</summary>
    public static SimulatorSecurity Plaintext { get; } = new() { Authority = null };

    /// <summary>mTLS and token policies with the process's development trust domain.</summary>
    public static SimulatorSecurity Default => new() { Authority = DevelopmentTrust.Authority };

    /// <summary>Issues every NSMgr's, forwarder's and NSE's SVID; null serves plaintext.</summary>
    public SpiffeAuthority? Authority { get; init; }

    /// <summary>
    /// Also run the monitor ownership policy (upstream <c>monitor/service_connection.rego</c>, off by default in
    /// v1.15): a MonitorConnections selector must name a path-segment id its caller owns.
    /// </summary>
    public bool MonitorOwnershipPolicy { get; init; }

    /// <summary>How long the simulated elements' SVIDs live (SPIRE's default: one hour).</summary>
    public TimeSpan ElementSvidLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Tokens and certificates are dated by the wall clock (TLS checks certificates against it), apart from the
    /// simulation clock that drives path expiry and faults, so tests on fake time still speak real TLS.
    /// </summary>
    public TimeProvider IdentityTime { get; init; } = TimeProvider.System;

    public bool Enabled => Authority is not null;
}
