namespace Nsm.Simulator.Fabric;

/// <summary>
/// One NSE's 10.&lt;octet&gt;.0.0/16, split into point-to-point pairs. Released pairs are reused so a
/// long run with churn does not exhaust the pool.
/// </summary>
internal sealed class AddressPool(int octet)
{
    // Offsets 0 and 1 are skipped so no pair uses the network address.
    private const int SlotCount = (65536 / 2) - 1;

    private readonly Stack<int> _released = new();
    private int _nextUnused;

    public int Octet { get; } = octet;

    public bool HasFree => _released.Count > 0 || _nextUnused < SlotCount;

    public AddressPair Take()
    {
        var slot = _released.Count > 0 ? _released.Pop() : _nextUnused++;
        var offset = (slot + 1) * 2;
        return new AddressPair(slot, Address(offset + 1), Address(offset));
    }

    public void Give(AddressPair pair) => _released.Push(pair.Slot);

    private string Address(int offset) => $"10.{Octet}.{offset >> 8}.{offset & 0xFF}/32";
}
