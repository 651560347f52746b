using Nsm.Api;

namespace Nsm.Healing;

/// <summary>Hands a connection the NSC already established to its grain, which then refreshes and heals it.</summary>
[GenerateSerializer, Immutable, Alias("nsm.AdoptRequest")]
public sealed record AdoptRequest
{
    [Id(0)] public required string NsmgrAddress { get; init; }

    /// <summary>The Connection the NSMgr returned to the NSC, with its path and endpoint.</summary>
    [Id(1)] public required Connection Connection { get; init; }

    /// <summary>The mechanism preferences the NSC requested with; a reselect sends them again.</summary>
    [Id(2)] public IReadOnlyList<Mechanism> MechanismPreferences { get; init; } = [];
    [Id(3)] public HealPolicy Policy { get; init; } = HealPolicy.Default;
}
