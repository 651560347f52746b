using Nsm.Api;

namespace Nsm.Healing;

/// <summary>Hands a connection the NSC already established to its grain, which then refreshes and heals it.</summary>
[GenerateSerializer, Immutable, Alias("nsm.AdoptRequest")]
public sealed record AdoptRequest
{
    /// <summary>The NSMgr the NSC requested the connection through: <c>unix:///…</c>, <c>tcp://host:port</c>, <c>http(s)://host:port</c>.</summary>
    [Id(0)] public required string NsmgrAddress { get; init; }

    /// <summary>The Connection the NSMgr returned to the NSC, with its path and endpoint.</summary>
    [Id(1)] public required Connection Connection { get; init; }

    /// <summary>The mechanism preferences the NSC requested with; a reselect sends them again.</summary>
    [Id(2)] public IReadOnlyList<Mechanism> MechanismPreferences { get; init; } = [];
    /// <summary>How this connection heals: retry delays, limits, what an unknown data plane means.</summary>
    [Id(3)] public HealPolicy Policy { get; init; } = HealPolicy.Default;
}
