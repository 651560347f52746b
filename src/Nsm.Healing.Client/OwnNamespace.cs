using Nsm.Api;
using Nsm.Netns;

namespace Nsm.Healing.Client;

/// <summary>
/// States the calling NSC's network namespace on its KERNEL mechanisms the way the silo can find it: as
/// <c>inode://dev/ino</c> of this thread's /proc/thread-self/ns/net. A KERNEL mechanism without <c>inodeURL</c> gets
/// it, and so does one naming /proc/self or /proc/thread-self (upstream's default), which would mean the silo's own
/// namespace there. Any other <c>file://</c> path is left for callers on the silo's host.
/// </summary>
internal static class OwnNamespace
{
    private const string KernelType = "KERNEL";
    private const string InodeUrlParameter = "inodeURL";

    public static ConnectionRequest Stated(ConnectionRequest request)
    {
        var mechanisms = request.Request.MechanismPreferences.Where(m => m.Type == KernelType && NamesCaller(m)).ToList();
        if (mechanisms.Count == 0)
        {
            return request;
        }

        var stated = request.Request.Clone();
        var url = NamespaceInode.OfCurrentThread().ToUrl();
        foreach (var mechanism in stated.MechanismPreferences.Where(m => m.Type == KernelType && NamesCaller(m)))
        {
            mechanism.Parameters[InodeUrlParameter] = url;
        }

        return request with { Request = stated };
    }

    private static bool NamesCaller(Mechanism mechanism) =>
        !mechanism.Parameters.TryGetValue(InodeUrlParameter, out var url)
        || url is "file:///proc/self/ns/net" or "file:///proc/thread-self/ns/net";
}
