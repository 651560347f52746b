namespace Nsm.Healing.Custody;

/// <summary>One NSMgr, forwarder or NSE: what rides on it and how it is doing.</summary>
[GenerateSerializer, Immutable, Alias("nsm.BlastRadiusRow")]
public sealed record BlastRadiusRow
{
    [Id(0)] public required EndpointKind Kind { get; init; }

    [Id(1)] public required string Name { get; init; }

    /// <summary>Connections whose path runs through it, in any phase but Closed.</summary>
    [Id(2)] public int Connections { get; init; }

    /// <summary>Those connections by phase (phases with none left out).</summary>
    [Id(3)] public IReadOnlyDictionary<string, int> Phases { get; init; } = new Dictionary<string, int>();

    [Id(4)] public int HealsInProgress { get; init; }

    /// <summary>Connections in a heal loop.</summary>
    [Id(5)] public int Looping { get; init; }

    /// <summary>Whether new reselects avoid it (see <see cref="QuarantineEntry"/>).</summary>
    [Id(6)] public bool Quarantined { get; init; }

    /// <summary>Orphans whose path runs through it (from <see cref="IOrphanTally"/>).</summary>
    [Id(7)] public int Orphans { get; init; }

    /// <summary>Connections Abandoned: no Close confirmed before our token expired.</summary>
    [Id(8)] public int AbandonedCloses { get; init; }
}

/// <summary>One silo's census, as it sends it.</summary>
[GenerateSerializer, Immutable, Alias("nsm.CensusReport")]
public sealed record CensusReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] IReadOnlyList<BlastRadiusRow> Rows,
    [property: Id(3)] IReadOnlyDictionary<string, IReadOnlyList<string>> ServingEndpoints);

/// <summary>The cluster's blast radius: every silo's census merged, with the quarantines in force.</summary>
[GenerateSerializer, Immutable, Alias("nsm.BlastRadius")]
public sealed record BlastRadius(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] IReadOnlyList<string> Silos,
    [property: Id(2)] IReadOnlyList<BlastRadiusRow> Rows,
    [property: Id(3)] QuarantineSnapshot Quarantine);
