using Nsm.Api;
using Nsm.Simulator.Fabric;

namespace Nsm.Simulator.Requests;

/// <summary>The Connection a successful Request returns, as the NSC sees it.</summary>
internal static class ConnectionResult
{
    public static Connection Build(NetworkServiceRequest request, Path path, string endpoint, AddressPair addresses)
    {
        var result = request.Connection.Clone();
        result.Path = path;
        result.NetworkServiceEndpointName = endpoint;
        result.Mechanism = (request.MechanismPreferences.Count > 0 ? request.MechanismPreferences[0] : request.Connection.Mechanism).Clone();
        result.State = State.Up;
        result.Context ??= new ConnectionContext();
        result.Context.IpContext ??= new IPContext();
        var ip = result.Context.IpContext;
        ip.SrcIpAddrs.Clear();
        ip.SrcIpAddrs.Add(addresses.NscAddress);
        ip.DstIpAddrs.Clear();
        ip.DstIpAddrs.Add(addresses.NseAddress);
        return result;
    }
}
