namespace Nsm.Simulator.Fabric;

/// <summary>
/// A network service endpoint. It hands out point-to-point addresses from its own pool and keeps the
/// pair it gave a connection id for as long as it holds that connection, so a restore keeps the IPs.
/// </summary>
internal sealed class Nse(string name, string node, IReadOnlyList<string> services, AddressPool pool)
    : FabricElement(name, node)
{
    private readonly Dictionary<string, AddressPair> _assigned = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Services { get; } = services;

    public AddressPool Pool { get; } = pool;

    public bool Serves(string networkService) => Services.Contains(networkService, StringComparer.Ordinal);

    public bool CanAddress(string connectionId) => _assigned.ContainsKey(connectionId) || Pool.HasFree;

    public AddressPair AddressesFor(string connectionId)
    {
        if (!_assigned.TryGetValue(connectionId, out var pair))
        {
            pair = Pool.Take();
            _assigned.Add(connectionId, pair);
        }

        return pair;
    }

    public void ReleaseAddresses(string connectionId)
    {
        if (_assigned.Remove(connectionId, out var pair))
        {
            Pool.Give(pair);
        }
    }
}
