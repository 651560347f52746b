using System.IO;
using System.Net.Sockets;

namespace Nsm.Simulator.Services;

/// <summary>
/// A unix socket path left behind by a process that died would make the bind fail; a path something is
/// still listening on must not be taken over.
/// </summary>
internal static class UnixSocketFile
{
    public static async Task ClaimAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new IOException($"unix socket '{path}' is in use by another process");
    }

    public static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover file is claimed again on the next start.
        }
    }
}
