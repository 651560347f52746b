using System.IO;
using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nsm.Netns.Interop;

namespace Nsm.Netns;

/// <summary>
/// A network namespace as NSM names it: the (device, inode) of its nsfs file, written <c>inode://dev/ino</c> in decimal
/// (dev as the kernel encodes dev_t, as Go's <c>Stat_t.Dev</c> reads it).
/// </summary>
public readonly record struct NamespaceInode(ulong Dev, ulong Ino)
{
    /// <summary>The URL scheme NSM uses for a namespace named by its inode.</summary>
    public const string Scheme = "inode";

    /// <summary><c>inode://dev/ino</c>, as NSM's <c>inodeURL</c> parameter carries it.</summary>
    public string ToUrl() => string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{Dev}/{Ino}");

    /// <inheritdoc/>
    public override string ToString() => ToUrl();

    /// <summary>Parses <c>inode://dev/ino</c>; anything else (another scheme, missing or non-numeric parts) is false.</summary>
    public static bool TryParse(string? url, out NamespaceInode inode)
    {
        inode = default;
        const string prefix = Scheme + "://";
        if (url is null || !url.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = url[prefix.Length..].Split('/');
        if (parts.Length != 2
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var dev)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ino))
        {
            return false;
        }

        inode = new NamespaceInode(dev, ino);
        return true;
    }

    /// <summary>The (dev, ino) of the file at <paramref name="path"/>, following links (a /proc/PID/ns/net link names its namespace).</summary>
    public static unsafe NamespaceInode OfPath(string path)
    {
        LibC.StatxBuffer buffer;
        if (LibC.Statx(LibC.AtFdCwd, path, 0, LibC.StatxIno, &buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"statx '{path}': {new Win32Exception(errno).Message}", errno);
        }

        return From(buffer);
    }

    /// <summary>The (dev, ino) of an open descriptor (fstat).</summary>
    public static unsafe NamespaceInode OfDescriptor(SafeHandle descriptor)
    {
        var added = false;
        try
        {
            descriptor.DangerousAddRef(ref added);
            LibC.StatxBuffer buffer;
            if (LibC.Statx((int)descriptor.DangerousGetHandle(), string.Empty, LibC.AtEmptyPath, LibC.StatxIno, &buffer) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"statx on descriptor {descriptor.DangerousGetHandle()}: {new Win32Exception(errno).Message}", errno);
            }

            return From(buffer);
        }
        finally
        {
            if (added)
            {
                descriptor.DangerousRelease();
            }
        }
    }

    /// <summary>The namespace this process's thread runs in, as an NSC states it.</summary>
    public static NamespaceInode OfCurrentThread() => OfPath("/proc/thread-self/ns/net");

    /// <summary>Opens <paramref name="path"/> read-only, close-on-exec: how a namespace is held.</summary>
    public static SafeFileHandle Open(string path)
    {
        var descriptor = LibC.Open(path, LibC.ORdOnly | LibC.OCloexec);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"open '{path}': {new Win32Exception(errno).Message}", errno);
        }

        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    // glibc's makedev: the kernel's dev_t encoding for 32-bit major and minor numbers.
    private static NamespaceInode From(LibC.StatxBuffer buffer)
    {
        ulong major = buffer.DevMajor, minor = buffer.DevMinor;
        var dev = ((major & 0x00000fffUL) << 8) | ((major & 0xfffff000UL) << 32) | (minor & 0x000000ffUL) | ((minor & 0xffffff00UL) << 12);
        return new NamespaceInode(dev, buffer.Ino);
    }
}
