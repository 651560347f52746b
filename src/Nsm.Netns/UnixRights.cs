using System.IO;
using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nsm.Netns.Interop;

namespace Nsm.Netns;

/// <summary>
/// Sends and receives open descriptors over a connected unix stream socket as SCM_RIGHTS ancillary data, the way
/// grpcfd does: each descriptor rides on one data byte of its own sendmsg. The socket may be in non-blocking mode
/// (.NET puts it there for async I/O): a call that would block waits for the socket with poll.
/// </summary>
public static unsafe class UnixRights
{
    /// <summary>At most this many descriptors are taken from one read; a sender passes one per byte anyway.</summary>
    private const int MaxDescriptorsPerRead = 16;

    /// <summary>Writes <paramref name="data"/> (one byte) with <paramref name="descriptor"/> attached.</summary>
    public static void Send(Socket socket, byte data, SafeHandle descriptor)
    {
        var addedSocket = false;
        var addedDescriptor = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref addedSocket);
            descriptor.DangerousAddRef(ref addedDescriptor);
            var control = stackalloc byte[ControlMessages.Space(1)];
            var iov = new LibC.IoVec { Base = &data, Length = 1 };
            var message = new LibC.MsgHdr
            {
                Iov = &iov,
                IovLength = 1,
                Control = control,
                ControlLength = (nuint)ControlMessages.WriteRights(control, (int)descriptor.DangerousGetHandle()),
            };
            while (true)
            {
                var sent = LibC.SendMsg(socket.SafeHandle.DangerousGetHandle(), &message, LibC.MsgNoSignal);
                if (sent == 1)
                {
                    return;
                }

                WaitOrThrow(socket, SelectMode.SelectWrite, "sendmsg");
            }
        }
        finally
        {
            if (addedDescriptor)
            {
                descriptor.DangerousRelease();
            }

            if (addedSocket)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Reads into <paramref name="buffer"/> and adds every descriptor that came with the bytes to <paramref name="received"/>
    /// (close-on-exec, owned by the caller). Returns the byte count, 0 at end of stream; blocks until data arrives.
    /// </summary>
    public static int Receive(Socket socket, Span<byte> buffer, List<SafeFileHandle> received)
    {
        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            var controlSize = ControlMessages.Space(MaxDescriptorsPerRead);
            var control = stackalloc byte[controlSize];
            fixed (byte* data = buffer)
            {
                while (true)
                {
                    var iov = new LibC.IoVec { Base = data, Length = (nuint)buffer.Length };
                    var message = new LibC.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlSize };
                    var count = LibC.RecvMsg(socket.SafeHandle.DangerousGetHandle(), &message, LibC.MsgCmsgCloexec);
                    if (count >= 0)
                    {
                        var descriptors = new List<int>();
                        ControlMessages.ReadRights(control, message.ControlLength, descriptors);
                        received.AddRange(descriptors.Select(d => new SafeFileHandle(d, ownsHandle: true)));
                        if ((message.Flags & LibC.MsgCTrunc) != 0)
                        {
                            throw new IOException($"recvmsg: more than {MaxDescriptorsPerRead} descriptors arrived with one read; the rest were dropped by the kernel");
                        }

                        return (int)count;
                    }

                    WaitOrThrow(socket, SelectMode.SelectRead, "recvmsg");
                }
            }
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    /// <summary>After a failed call: wait when it would have blocked, go again when interrupted, throw otherwise.</summary>
    private static void WaitOrThrow(Socket socket, SelectMode mode, string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        switch (errno)
        {
            case LibC.EIntr:
                return;
            case LibC.EAgain:
                socket.Poll(-1, mode);
                return;
            default:
                throw new IOException($"{call}: {new Win32Exception(errno).Message}", errno);
        }
    }
}
