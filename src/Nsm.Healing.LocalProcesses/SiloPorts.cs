namespace Nsm.Healing.LocalProcesses;

/// <summary>The three ports one silo listens on.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http)
{
    public static IReadOnlyList<SiloPorts> TakeFree(int silos)
    {
        var ports = FreePorts.Take(silos * 3);
        return [.. Enumerable.Range(0, silos).Select(i => new SiloPorts(ports[3 * i], ports[(3 * i) + 1], ports[(3 * i) + 2]))];
    }
}
