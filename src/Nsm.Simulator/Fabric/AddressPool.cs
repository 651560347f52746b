namespace Nsm.Simulator.Fabric;

/// <summary>
/// One NSE's block of the <see cref="AddressPlan"/>, split into point-to-point pairs. Released pairs are reused so a
/// long run with churn does not exhaust the pool.
/// </summary>
internal sealed class AddressPool(int octet, AddressPlan plan)
{
    private readonly Stack<int> _released = new();
    private int _nextUnused;

    public int Octet { get; } = octet;

    public bool HasFree => _released.Count > 0 || _nextUnused < plan.PairsPerPool;

    public AddressPair Take()
    {
        var slot = _released.Count > 0 ? _released.Pop() : _nextUnused++;
        // Offsets 0 and 1 are skipped so no pair uses the network address.
        var offset = (slot + 1) * 2;
        return new AddressPair(slot, plan.Address(Octet, offset + 1), plan.Address(Octet, offset));
    }

    public void Give(AddressPair pair) => _released.Push(pair.Slot);
}
