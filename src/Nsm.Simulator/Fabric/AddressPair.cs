namespace Nsm.Simulator.Fabric;

/// <summary>The two ends of a point-to-point link: the NSC's address and the NSE's, as /32 CIDRs.</summary>
internal readonly record struct AddressPair(int Slot, string NscAddress, string NseAddress);
