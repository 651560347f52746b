namespace Nsm.Healing.Custody;

/// <summary>
/// Orphans this silo knows of now: connections that carry our identity at an NSMgr but that no grain owns. The orphan
/// audit fills it (replace the registration); until then <see cref="NoOrphans"/> counts none, and every blast-radius row
/// shows 0 orphans.
/// </summary>
public interface IOrphanTally
{
    IReadOnlyList<OrphanSighting> Current();
}

/// <summary>One orphan, by where its path runs.</summary>
[GenerateSerializer, Immutable, Alias("nsm.OrphanSighting")]
public sealed record OrphanSighting(
    [property: Id(0)] string Nsmgr,
    [property: Id(1)] string? Nse,
    [property: Id(2)] IReadOnlyList<string> Forwarders);

/// <summary>The tally before any audit feeds one: no orphans known.</summary>
public sealed class NoOrphans : IOrphanTally
{
    public IReadOnlyList<OrphanSighting> Current() => [];
}
