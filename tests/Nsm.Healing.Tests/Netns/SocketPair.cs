using System.Net.Sockets;

namespace Nsm.Healing.Tests.Netns;

/// <summary>Two connected unix stream sockets (a listener in a temp directory, removed at once).</summary>
internal sealed class SocketPair : IDisposable
{
    private SocketPair(Socket left, Socket right)
    {
        Left = left;
        Right = right;
    }

    public Socket Left { get; }

    public Socket Right { get; }

    public static async Task<SocketPair> OpenAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("nsm-pair-");
        var path = System.IO.Path.Combine(directory.FullName, "s");
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            var left = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            var accepted = listener.AcceptAsync();
            await left.ConnectAsync(new UnixDomainSocketEndPoint(path));
            return new SocketPair(left, await accepted);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public void Dispose()
    {
        Left.Dispose();
        Right.Dispose();
    }
}
