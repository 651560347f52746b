namespace Nsm.Healing.Custody;

/// <summary>An NSE or forwarder that several connections kept looping onto: new reselects steer away from it until
/// <see cref="Until"/>, or until an operator lifts it.</summary>
[GenerateSerializer, Immutable, Alias("nsm.QuarantineEntry")]
public sealed record QuarantineEntry
{
    [Id(0)] public required EndpointKind Kind { get; init; }

    [Id(1)] public required string Name { get; init; }

    /// <summary>The network services of the connections that looped onto it: the services whose reselects steer away.</summary>
    [Id(2)] public IReadOnlyList<string> NetworkServices { get; init; } = [];

    [Id(3)] public required DateTimeOffset Since { get; init; }

    [Id(4)] public required DateTimeOffset Until { get; init; }

    /// <summary>Distinct connections that looped onto it inside the window when it was quarantined.</summary>
    [Id(5)] public int LoopingConnections { get; init; }
}

/// <summary>A quarantine an operator lifted, and why.</summary>
[GenerateSerializer, Immutable, Alias("nsm.QuarantineLift")]
public sealed record QuarantineLift(
    [property: Id(0)] EndpointKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Reason);
