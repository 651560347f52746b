using System.Text;
using Microsoft.Win32.SafeHandles;
using Nsm.Healing.Nsmgr;
using Nsm.Netns;

namespace Nsm.Healing.Tests.Netns;

/// <summary>
/// A call's descriptor goes out on every connection of its channel: those open when it starts, and any opened while it
/// is in flight (HTTP/2 may put the call on a new one); not on connections opened after it ended.
/// </summary>
public sealed class DescriptorOutboxTests
{
    [Fact]
    public async Task A_call_in_flight_sends_its_descriptor_on_open_and_new_connections_but_not_after_it_ends()
    {
        var outbox = new DescriptorOutbox();
        using var netns = NamespaceInode.Open("/proc/self/ns/net");
        using var before = await SocketPair.OpenAsync();
        using var during = await SocketPair.OpenAsync();
        using var after = await SocketPair.OpenAsync();
        await using var open = outbox.Adopt(before.Left);

        var call = outbox.Attach(netns);
        await using var opened = outbox.Adopt(during.Left);
        call.Dispose();
        await using var later = outbox.Adopt(after.Left);
        foreach (var stream in new[] { open, opened, later })
        {
            await stream.WriteAsync("h2"u8.ToArray());
        }

        Assert.Equal([1, 1, 0], new[] { before, during, after }.Select(pair => DescriptorsIn(pair, bytes: 2)));
    }

    private static int DescriptorsIn(SocketPair pair, int bytes)
    {
        var received = new List<SafeFileHandle>();
        var buffer = new byte[16];
        var read = 0;
        while (read < bytes)
        {
            read += UnixRights.Receive(pair.Right, buffer.AsSpan(read), received);
        }

        Assert.Equal("h2", Encoding.ASCII.GetString(buffer, 0, read));
        received.ForEach(d => d.Dispose());
        return received.Count;
    }
}
