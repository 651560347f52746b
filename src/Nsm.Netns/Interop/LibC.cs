using System.Runtime.InteropServices;

namespace Nsm.Netns.Interop;

/// <summary>
/// The few libc calls .NET has no managed API for: ancillary data on unix sockets, and an inode number of a file.
/// Layouts are those of 64-bit Linux (x86_64 and arm64 share them); nothing here runs elsewhere.
/// </summary>
internal static unsafe partial class LibC
{
    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int MsgNoSignal = 0x4000;
    public const int MsgCTrunc = 0x8;
    public const int MsgCmsgCloexec = 0x40000000;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int AtFdCwd = -100;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxIno = 0x100;
    public const int ORdOnly = 0;
    public const int OCloexec = 0x80000;

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(nint socket, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint RecvMsg(nint socket, MsgHdr* message, int flags);

    /// <summary>statx has one layout on every Linux architecture, unlike struct stat.</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int directory, string path, int flags, uint mask, StatxBuffer* buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int descriptor);

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr: sequential layout gives the padding after msg_namelen and msg_flags.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct statx: 256 bytes; only the inode and the device numbers are read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct StatxBuffer
    {
        [FieldOffset(32)]
        public ulong Ino;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }
}
