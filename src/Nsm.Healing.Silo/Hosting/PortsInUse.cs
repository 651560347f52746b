using System.Net;
using System.Net.Sockets;
using Nsm.Healing.Silo.Configuration;

namespace Nsm.Healing.Silo.Hosting;

/// <summary>
/// Which of the silo's ports cannot be listened on, checked before Orleans and Kestrel bind them. A second silo given
/// a port in use must not start: Orleans shares a port between two silos (two gateways on one port split the
/// cluster), and a taken HTTP port would crash the silo only after it joined.
/// </summary>
internal static class PortsInUse
{
    /// <returns>One line per port that cannot be listened on, naming its key.</returns>
    public static IReadOnlyList<string> Find(HealingSiloOptions options)
    {
        var cluster = SiloListenAddresses.Cluster(options);
        (string Key, int Port, IPAddress Address)[] ports =
        [
            (nameof(options.SiloPort), options.SiloPort, cluster),
            (nameof(options.GatewayPort), options.GatewayPort, cluster),
            (nameof(options.HttpPort), options.HttpPort, SiloListenAddresses.Http(options) ?? IPAddress.Any),
        ];
        return [.. ports.Select(port => Problem(port.Key, port.Port, port.Address)).OfType<string>()];
    }

    private static string? Problem(string key, int port, IPAddress address)
    {
        // A plain socket, without SO_REUSEPORT: it cannot share the port with any listener, an Orleans one included.
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen();
            return null;
        }
        catch (SocketException e)
        {
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "is already in use (another silo or program listens on it)" : $"cannot be listened on: {e.Message}";
            return $"{HealingSiloOptions.Section}:{key} {port} on {address} {why}";
        }
    }
}
