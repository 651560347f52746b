namespace Nsm.Healing.Custody;

/// <summary>
/// What every silo knows of quarantines: the entries in force, and, per network service, the NSEs the cluster's own
/// connections are Up on without looping — where a reselect steered away from a quarantined NSE may go.
/// </summary>
[GenerateSerializer, Immutable, Alias("nsm.QuarantineSnapshot")]
public sealed record QuarantineSnapshot
{
    public static QuarantineSnapshot Empty { get; } = new();

    [Id(0)] public IReadOnlyList<QuarantineEntry> Entries { get; init; } = [];

    /// <summary>Network service → NSEs the cluster's connections are Up on without looping (from every silo's census).</summary>
    [Id(1)] public IReadOnlyDictionary<string, IReadOnlyList<string>> ServingEndpoints { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The last lifts, newest last, bounded.</summary>
    [Id(2)] public IReadOnlyList<QuarantineLift> Lifts { get; init; } = [];

    public bool IsQuarantined(EndpointKind kind, string name, DateTimeOffset now) =>
        Entries.Any(entry => entry.Kind == kind && entry.Until > now && string.Equals(entry.Name, name, StringComparison.Ordinal));
}
