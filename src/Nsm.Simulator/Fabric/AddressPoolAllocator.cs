namespace Nsm.Simulator.Fabric;

/// <summary>
/// Gives each alive NSE its own /16 so a reselect to another NSE visibly changes the connection's IPs.
/// Pools are handed out round-robin, so a replacement NSE gets a fresh /16 rather than its predecessor's
/// while any other is free.
/// </summary>
internal sealed class AddressPoolAllocator(AddressPlan plan)
{
    public const int PoolCount = 254;

    private readonly bool[] _inUse = new bool[PoolCount + 1];
    private int _lastOctet;

    public AddressPool? TryAcquire()
    {
        for (var step = 1; step <= PoolCount; step++)
        {
            var octet = ((_lastOctet + step - 1) % PoolCount) + 1;
            if (!_inUse[octet])
            {
                _inUse[octet] = true;
                _lastOctet = octet;
                return new AddressPool(octet, plan);
            }
        }

        return null;
    }

    public void Release(AddressPool pool) => _inUse[pool.Octet] = false;
}
