using System.Globalization;

namespace Nsm.Simulator.Fabric;

/// <summary>
/// Where NSE address pools come from: the one place a range is chosen. Each of <see cref="AddressPoolAllocator.PoolCount"/>
/// NSEs gets its own block, split into point-to-point pairs.
/// </summary>
internal sealed class AddressPlan
{
    private readonly Func<int, int, string> _format;

    private AddressPlan(string range, int pairsPerPool, Func<int, int, string> format)
    {
        Range = range;
        PairsPerPool = pairsPerPool;
        _format = format;
    }

    /// <summary>
    /// The modelled data plane: addresses never reach a kernel, so a roomy block per NSE (10.&lt;pool&gt;.0.0/16, 32767
    /// pairs) lets heal storms of 10k+ connections share one NSE.
    /// </summary>
    public static AddressPlan Model { get; } = new("10.0.0.0/8", (65536 / 2) - 1, (pool, offset) => $"10.{pool}.{offset >> 8}.{offset & 0xFF}");

    /// <summary>
    /// Kernel vWires: IPv4 link-local 169.254.0.0/16 (RFC 3927), which no router forwards, so an address on a test
    /// namespace's interface can never mean anything beyond its veth. 169.254.&lt;pool&gt;.0/24 per NSE: pools 1..254
    /// skip the two /24s RFC 3927 reserves; 127 pairs per NSE.
    /// </summary>
    public static AddressPlan LinkLocal { get; } = new("169.254.0.0/16", (256 / 2) - 1, (pool, offset) => $"169.254.{pool}.{offset}");

    /// <summary>The range every address of this plan lies in, as a CIDR.</summary>
    public string Range { get; }

    /// <summary>Point-to-point pairs one NSE's pool holds (its first pair would use the network address and is skipped).</summary>
    public int PairsPerPool { get; }

    /// <summary>The address at <paramref name="offset"/> in pool <paramref name="pool"/>, as a /32 CIDR.</summary>
    public string Address(int pool, int offset) => string.Create(CultureInfo.InvariantCulture, $"{_format(pool, offset)}/32");
}
