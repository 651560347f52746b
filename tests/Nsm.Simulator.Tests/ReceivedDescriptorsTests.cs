using Nsm.Netns;
using Nsm.Simulator.Namespaces;

namespace Nsm.Simulator.Tests;

/// <summary>What an NSMgr keeps of the descriptors it receives: one per namespace and connection, as grpcfd keeps one per (dev, ino).</summary>
public sealed class ReceivedDescriptorsTests
{
    [Fact]
    public async Task A_namespace_sent_again_on_the_same_connection_is_closed_not_piled_up()
    {
        var received = new ReceivedDescriptors();
        var (connection, other) = (new object(), new object());
        using var first = NamespaceInode.Open("/proc/self/ns/net");
        using var again = NamespaceInode.Open("/proc/self/ns/net");
        using var onOther = NamespaceInode.Open("/proc/self/ns/net");

        received.Add(connection, first);
        received.Add(connection, again);
        received.Add(other, onOther);

        Assert.False(first.IsClosed);
        Assert.True(again.IsClosed);
        Assert.False(onOther.IsClosed);
        Assert.True(await received.WaitForAsync(NamespaceInode.OfPath("/proc/self/ns/net"), TimeSpan.Zero, CancellationToken.None));
        received.Drop(connection);
        Assert.True(first.IsClosed);
        Assert.True(await received.WaitForAsync(NamespaceInode.OfPath("/proc/self/ns/net"), TimeSpan.Zero, CancellationToken.None));
    }
}
