using System.Net;
using System.Net.Sockets;

namespace Nsm.Healing.LocalProcesses;

/// <summary>
/// Loopback ports free now, all held open while choosing so none is handed out twice. They come from below Linux's
/// ephemeral range (32768–60999 by default): silos and Redis are killed and started again on the same port, and a port
/// from the ephemeral range may meanwhile be taken as the source port of any outgoing connection on the machine, which
/// makes the restart fail with "address already in use".
/// </summary>
public static class FreePorts
{
    private const int First = 20000;
    private const int End = 32000;

    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            // A random start keeps test processes running at once from probing the same ports in the same order.
            var start = Random.Shared.Next(First, End);
            for (var offset = 0; offset < End - First && listeners.Count < count; offset++)
            {
                var port = First + ((start - First + offset) % (End - First));
                if (TryListen(port) is { } listener)
                {
                    listeners.Add(listener);
                }
            }

            return listeners.Count == count
                ? [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)]
                : throw new InvalidOperationException($"only {listeners.Count} of {count} loopback ports between {First} and {End} are free");
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }

    private static TcpListener? TryListen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
