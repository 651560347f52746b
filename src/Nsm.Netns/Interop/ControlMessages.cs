namespace Nsm.Netns.Interop;

/// <summary>
/// struct cmsghdr on 64-bit Linux: a size_t length and two ints (16 bytes), then the data, each message padded to 8.
/// Only SCM_RIGHTS is written or read.
/// </summary>
internal static unsafe class ControlMessages
{
    private const int HeaderSize = 16;

    /// <summary>CMSG_SPACE for <paramref name="descriptors"/> descriptors: what a buffer must hold.</summary>
    public static int Space(int descriptors) => HeaderSize + Align(descriptors * sizeof(int));

    /// <summary>Writes one SCM_RIGHTS message carrying <paramref name="descriptor"/>; returns its length (CMSG_LEN).</summary>
    public static int WriteRights(byte* buffer, int descriptor)
    {
        var length = HeaderSize + sizeof(int);
        *(nuint*)buffer = (nuint)length;
        *(int*)(buffer + 8) = LibC.SolSocket;
        *(int*)(buffer + 12) = LibC.ScmRights;
        *(int*)(buffer + HeaderSize) = descriptor;
        return length;
    }

    /// <summary>Every descriptor in the SCM_RIGHTS messages of a received control buffer.</summary>
    public static void ReadRights(byte* buffer, nuint length, List<int> into)
    {
        var offset = (nuint)0;
        while (offset + HeaderSize <= length)
        {
            var message = buffer + offset;
            var messageLength = *(nuint*)message;
            if (messageLength < HeaderSize || offset + messageLength > length)
            {
                return;
            }

            if (*(int*)(message + 8) == LibC.SolSocket && *(int*)(message + 12) == LibC.ScmRights)
            {
                var count = (int)(messageLength - HeaderSize) / sizeof(int);
                for (var i = 0; i < count; i++)
                {
                    into.Add(*(int*)(message + HeaderSize + (i * sizeof(int))));
                }
            }

            offset += (nuint)Align((int)messageLength);
        }
    }

    private static int Align(int length) => (length + 7) & ~7;
}
