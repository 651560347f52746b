namespace Nsm.Healing.Custody;

/// <summary>This silo's copy of the cluster's quarantines, read by connection grains without a call on a heal's path.</summary>
public sealed class QuarantineView
{
    private volatile QuarantineSnapshot _current = QuarantineSnapshot.Empty;

    public QuarantineSnapshot Current => _current;

    /// <summary>The quarantine's own answer (entries and lifts), keeping the serving NSEs this silo last heard of.</summary>
    public void TakeEntries(QuarantineSnapshot quarantine) =>
        _current = quarantine with { ServingEndpoints = _current.ServingEndpoints };

    public void Take(QuarantineSnapshot quarantine, IReadOnlyDictionary<string, IReadOnlyList<string>> serving) =>
        _current = quarantine with { ServingEndpoints = serving };
}
