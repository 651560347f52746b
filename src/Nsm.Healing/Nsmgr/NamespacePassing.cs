using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.Namespaces;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// The NSC's namespace on one call, as upstream's sendfd element does it: the descriptor queued on the channel's
/// connections ahead of the call's headers, <c>inodeURL</c> rewritten to the descriptor's <c>inode://dev/ino</c> on the
/// way out and back to what the NSC stated on the answer. A call that cannot carry it fails here, before anything is sent.
/// </summary>
internal sealed class NamespacePassing
{
    private readonly NscNamespace _netns;
    private readonly DescriptorOutbox _outbox;
    private readonly string _wireUrl;

    private NamespacePassing(NscNamespace netns, DescriptorOutbox outbox)
    {
        _netns = netns;
        _outbox = outbox;
        _wireUrl = netns.Inode.ToUrl();
    }

    /// <summary>Null when no mechanism of the call needs the namespace; throws InvalidArgument when it cannot travel.</summary>
    public static NamespacePassing? For(
        string call, string nsmgrAddress, string? connectionId, IEnumerable<Mechanism> mechanisms, NscNamespace? netns, DescriptorOutbox? outbox)
    {
        string? stated;
        try
        {
            stated = KernelMechanisms.StatedNamespace(mechanisms);
        }
        catch (ArgumentException e)
        {
            throw Refused(call, nsmgrAddress, connectionId, e.Message);
        }

        if (stated is null)
        {
            return null;
        }

        if (outbox is null)
        {
            throw Refused(call, nsmgrAddress, connectionId,
                $"a kernel mechanism needs the NSC's network namespace ({stated}), and a descriptor travels only over a unix socket; use the node's unix:// NSMgr address");
        }

        // The NSC is gone and its namespace with it: the Close still goes, so the NSMgr forgets the connection.
        if (netns is null && call == "Close")
        {
            return null;
        }

        if (netns is null || netns.StatedUrl != stated)
        {
            throw Refused(call, nsmgrAddress, connectionId, $"the NSC's network namespace {stated} is not held by this silo");
        }

        return new NamespacePassing(netns, outbox);
    }

    public void Rewrite(IEnumerable<Mechanism> outgoing) => KernelMechanisms.Rewrite(outgoing, _netns.StatedUrl, _wireUrl);

    public void Restore(IEnumerable<Mechanism> answered) => KernelMechanisms.Rewrite(answered, _wireUrl, _netns.StatedUrl);

    /// <summary>Queues the descriptor for this call; dispose once the call has ended.</summary>
    public IDisposable Attach() => _outbox.Attach(_netns.Handle);

    private static NsmRequestFailedException Refused(string call, string nsmgrAddress, string? connectionId, string why) =>
        new(nameof(StatusCode.InvalidArgument), $"{call} for connection '{connectionId}' at NSMgr {nsmgrAddress} not sent: {why}");
}
