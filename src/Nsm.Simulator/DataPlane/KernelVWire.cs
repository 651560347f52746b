using Microsoft.Win32.SafeHandles;
using Nsm.Simulator.Fabric;

namespace Nsm.Simulator.DataPlane;

/// <summary>
/// One connection's veth pair: <see cref="NscInterface"/> in the NSC's namespace (held open by descriptor for as long
/// as the pair exists, as a forwarder holds it), <see cref="NseInterface"/> in the NSE's namespace.
/// </summary>
internal sealed class KernelVWire(
    string connectionId, SafeFileHandle nscNamespace, string nscInterface, int nscIfindex, string nseNamespace, string nseInterface, AddressPair addresses)
    : IDisposable
{
    public string ConnectionId { get; } = connectionId;

    public string NscInterface { get; } = nscInterface;

    /// <summary>The NSC end's ifindex when it was made: an interface of the same name with another index is not this vWire.</summary>
    public int NscIfindex { get; } = nscIfindex;

    public string NseNamespace { get; } = nseNamespace;

    public string NseInterface { get; } = nseInterface;

    public AddressPair Addresses { get; } = addresses;

    /// <summary>The NSC's namespace as a child process reaches it; valid while this object is not disposed.</summary>
    public NetnsRef Nsc => NetnsRef.At($"/proc/{Environment.ProcessId}/fd/{nscNamespace.DangerousGetHandle()}");

    public NetnsRef Nse => NetnsRef.Named(NseNamespace);

    public void Dispose() => nscNamespace.Dispose();
}
