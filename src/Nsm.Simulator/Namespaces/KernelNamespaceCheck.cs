using Grpc.Core;
using Nsm.Api;
using Nsm.Netns;

namespace Nsm.Simulator.Namespaces;

/// <summary>
/// What a forwarder needs to wire a kernel interface: the NSC's namespace, named <c>inode://dev/ino</c> in the
/// mechanism's <c>inodeURL</c> and passed as a descriptor on the unix socket the call came over. A Request without it
/// fails as upstream's recvfd would; a Close goes ahead without it (the NSMgr still forgets the connection).
/// </summary>
internal static class KernelNamespaceCheck
{
    public const string KernelType = "KERNEL";
    public const string InodeUrlParameter = "inodeURL";

    /// <summary>How long a Request waits for its descriptor; it travels ahead of the headers, so it is normally there.</summary>
    private static readonly TimeSpan ArrivalWait = TimeSpan.FromSeconds(1);

    /// <summary>A Close goes ahead either way: it waits less.</summary>
    private static readonly TimeSpan CloseArrivalWait = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The namespace a kernel-mechanism Request brought, or null for another mechanism. <paramref name="received"/> is
    /// null over TCP, where no descriptor can travel.
    /// </summary>
    public static async Task<NamespaceInode?> ForRequestAsync(NetworkServiceRequest request, ReceivedDescriptors? received, CancellationToken cancellationToken)
    {
        var chosen = request.MechanismPreferences.Count > 0 ? request.MechanismPreferences[0] : request.Connection?.Mechanism;
        if (chosen is not { Type: KernelType })
        {
            return null;
        }

        if (!chosen.Parameters.TryGetValue(InodeUrlParameter, out var url) || url.Length == 0)
        {
            throw Invalid($"mechanism {chosen.Cls}/{KernelType} has no {InodeUrlParameter}: the forwarder cannot tell which network namespace the interface goes to");
        }

        if (!NamespaceInode.TryParse(url, out var inode))
        {
            throw Invalid($"no fd for {url}: a namespace reaches the forwarder only as a descriptor named inode://dev/ino");
        }

        if (received is null || !await received.WaitForAsync(inode, ArrivalWait, cancellationToken).ConfigureAwait(false))
        {
            throw Invalid(received is null ? $"no fd for {url}: descriptors travel only over a unix socket, this call came over TCP" : $"no fd for {url}");
        }

        return inode;
    }

    /// <summary>The namespace a kernel-mechanism Close brought, if any; null for another mechanism or when none came.</summary>
    public static async Task<(bool Kernel, NamespaceInode? Namespace)> ForCloseAsync(Connection connection, ReceivedDescriptors? received, CancellationToken cancellationToken)
    {
        if (connection.Mechanism is not { Type: KernelType } mechanism)
        {
            return (false, null);
        }

        if (received is not null && mechanism.Parameters.TryGetValue(InodeUrlParameter, out var url) && NamespaceInode.TryParse(url, out var inode)
            && await received.WaitForAsync(inode, CloseArrivalWait, cancellationToken).ConfigureAwait(false))
        {
            return (true, inode);
        }

        return (true, null);
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
