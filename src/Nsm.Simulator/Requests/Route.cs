using Nsm.Simulator.Fabric;
using Nsm.Simulator.Nsmgrs;

namespace Nsm.Simulator.Requests;

/// <summary>
/// The hops chosen for a Request. Local: [nsc, nsmgr, forwarder, nse]. Remote (NSE on another node):
/// [nsc, nsmgr-A, fwd-A, nsmgr-B, fwd-B, nse].
/// </summary>
internal sealed record Route(Nsmgr Entry, Forwarder EntryForwarder, Nsmgr? Remote, Forwarder? RemoteForwarder, Nse Nse)
{
    public const int EntryNsmgrIndex = 1;
    public const int EntryForwarderIndex = 2;
    public const int RemoteNsmgrIndex = 3;
    public const int RemoteForwarderIndex = 4;

    public int NseIndex => Remote is null ? 3 : 5;

    public IReadOnlyList<string> HopNames => Remote is null
        ? [Entry.Name, EntryForwarder.Name, Nse.Name]
        : [Entry.Name, EntryForwarder.Name, Remote.Name, RemoteForwarder!.Name, Nse.Name];

    public IReadOnlyList<NsmgrHop> NsmgrHops => Remote is null
        ? [new(Entry.Name, EntryNsmgrIndex)]
        : [new(Entry.Name, EntryNsmgrIndex), new(Remote.Name, RemoteNsmgrIndex)];

    public IReadOnlyList<WiredElement> WiredForwarders => Remote is null
        ? [Wired(EntryForwarder, EntryForwarderIndex)]
        : [Wired(EntryForwarder, EntryForwarderIndex), Wired(RemoteForwarder!, RemoteForwarderIndex)];

    public WiredElement WiredNse => Wired(Nse, NseIndex);

    private static WiredElement Wired(FabricElement element, int pathIndex) => new(element.Name, element.Incarnation, pathIndex);
}
