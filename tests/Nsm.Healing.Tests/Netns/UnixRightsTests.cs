using System.IO;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Nsm.Netns;
using Nsm.Netns.Interop;

namespace Nsm.Healing.Tests.Netns;

/// <summary>The SCM_RIGHTS layer over a real pair of unix sockets: what is sent is what arrives, byte for byte, descriptor for descriptor.</summary>
public sealed class UnixRightsTests
{
    private static readonly NamespaceInode Own = NamespaceInode.OfPath("/proc/self/ns/net");

    [Fact]
    public void Control_message_layout_is_that_of_64_bit_linux()
    {
        Assert.Equal(24, ControlMessages.Space(1));
        Assert.Equal(80, ControlMessages.Space(16));
        Assert.Equal(56, System.Runtime.InteropServices.Marshal.SizeOf<LibC.MsgHdr>());
    }

    [Fact]
    public async Task A_descriptor_sent_with_one_byte_arrives_as_the_same_file()
    {
        using var pair = await SocketPair.OpenAsync();
        using var netns = NamespaceInode.Open("/proc/self/ns/net");

        UnixRights.Send(pair.Left, (byte)'x', netns);
        var received = new List<SafeFileHandle>();
        var buffer = new byte[16];
        var count = UnixRights.Receive(pair.Right, buffer, received);

        Assert.Equal(1, count);
        Assert.Equal((byte)'x', buffer[0]);
        using var arrived = Assert.Single(received);
        Assert.NotEqual(netns.DangerousGetHandle(), arrived.DangerousGetHandle());
        Assert.Equal(Own, NamespaceInode.OfDescriptor(arrived));
    }

    [Fact]
    public async Task A_plain_write_carries_no_descriptor()
    {
        using var pair = await SocketPair.OpenAsync();

        pair.Left.Send("hello"u8);
        var received = new List<SafeFileHandle>();
        var buffer = new byte[16];
        var count = UnixRights.Receive(pair.Right, buffer, received);

        Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, count));
        Assert.Empty(received);
    }

    [Fact]
    public async Task Stream_sends_each_queued_descriptor_on_its_own_byte_ahead_of_the_rest_of_the_write()
    {
        using var pair = await SocketPair.OpenAsync();
        using var netns = NamespaceInode.Open("/proc/self/ns/net");
        using var file = File.OpenHandle("/proc/self/status");
        await using var stream = new DescriptorPassingStream(pair.Left);

        stream.Enqueue(netns);
        stream.Enqueue(file);
        await stream.WriteAsync("hello"u8.ToArray());
        await stream.WriteAsync(" world"u8.ToArray());

        var (text, descriptors) = ReadAll(pair.Right, expectedBytes: 11);
        Assert.Equal("hello world", text);
        Assert.Equal(2, descriptors.Count);
        Assert.Equal(Own, NamespaceInode.OfDescriptor(descriptors[0]));
        Assert.Equal(NamespaceInode.OfDescriptor(file), NamespaceInode.OfDescriptor(descriptors[1]));
        descriptors.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task Descriptors_beyond_the_bytes_of_a_write_wait_for_the_next_write()
    {
        using var pair = await SocketPair.OpenAsync();
        using var netns = NamespaceInode.Open("/proc/self/ns/net");
        await using var stream = new DescriptorPassingStream(pair.Left);

        stream.Enqueue(netns);
        stream.Enqueue(netns);
        stream.Write("a"u8);
        var (first, firstDescriptors) = ReadAll(pair.Right, expectedBytes: 1);
        stream.Write("b"u8);
        var (second, secondDescriptors) = ReadAll(pair.Right, expectedBytes: 1);

        Assert.Equal(("a", 1), (first, firstDescriptors.Count));
        Assert.Equal(("b", 1), (second, secondDescriptors.Count));
        firstDescriptors.Concat(secondDescriptors).ToList().ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task A_queued_descriptor_stays_open_until_sent_even_if_its_owner_lets_go()
    {
        using var pair = await SocketPair.OpenAsync();
        var netns = NamespaceInode.Open("/proc/self/ns/net");
        await using var stream = new DescriptorPassingStream(pair.Left);

        stream.Enqueue(netns);
        netns.Dispose();
        await stream.WriteAsync("z"u8.ToArray());

        var (_, descriptors) = ReadAll(pair.Right, expectedBytes: 1);
        using var arrived = Assert.Single(descriptors);
        Assert.Equal(Own, NamespaceInode.OfDescriptor(arrived));
    }

    [Theory]
    [InlineData("inode://4/4026531840", true, 4UL, 4026531840UL)]
    [InlineData("inode://0/1", true, 0UL, 1UL)]
    [InlineData("file:///proc/self/ns/net", false, 0UL, 0UL)]
    [InlineData("inode://4", false, 0UL, 0UL)]
    [InlineData("inode://4/x", false, 0UL, 0UL)]
    [InlineData("inode://-4/5", false, 0UL, 0UL)]
    [InlineData("inode://4/5/6", false, 0UL, 0UL)]
    public void Inode_urls_parse_only_as_dev_slash_ino(string url, bool parses, ulong dev, ulong ino)
    {
        Assert.Equal(parses, NamespaceInode.TryParse(url, out var inode));
        Assert.Equal(new NamespaceInode(dev, ino), inode);
        if (parses)
        {
            Assert.Equal(url, inode.ToUrl());
        }
    }

    [Fact]
    public void Own_namespace_inode_is_the_one_the_proc_link_names()
    {
        var link = new FileInfo("/proc/self/ns/net").LinkTarget;

        Assert.Equal($"net:[{Own.Ino}]", link);
        Assert.Equal(Own, NamespaceInode.OfCurrentThread());
    }

    private static (string Text, List<SafeFileHandle> Descriptors) ReadAll(System.Net.Sockets.Socket socket, int expectedBytes)
    {
        var text = new StringBuilder();
        var descriptors = new List<SafeFileHandle>();
        var buffer = new byte[64];
        while (text.Length < expectedBytes)
        {
            var count = UnixRights.Receive(socket, buffer, descriptors);
            Assert.NotEqual(0, count);
            text.Append(Encoding.ASCII.GetString(buffer, 0, count));
        }

        return (text.ToString(), descriptors);
    }
}
