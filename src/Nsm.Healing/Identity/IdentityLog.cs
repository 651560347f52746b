using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Identity;

/// <summary>Identity events. They name SPIFFE IDs, expiries and sockets; never keys or tokens.</summary>
internal static partial class IdentityLog
{
    [LoggerMessage(4001, LogLevel.Information, "SVID {SpiffeId} from {Source}, valid until {NotAfter:O}")]
    public static partial void SvidReceived(ILogger logger, string spiffeId, string source, DateTimeOffset notAfter);

    [LoggerMessage(4002, LogLevel.Warning, "The SPIFFE Workload API at {Socket} is unreachable, retrying in {Delay}: {Error}")]
    public static partial void WorkloadApiUnreachable(ILogger logger, string socket, TimeSpan delay, string error);

    [LoggerMessage(4003, LogLevel.Warning, "The SPIFFE Workload API at {Socket} sent an unusable SVID: {Error}")]
    public static partial void SvidRejected(ILogger logger, string socket, string error);

    [LoggerMessage(4004, LogLevel.Information, "Identity is off (Nsm:Identity:Source=None): NSMgrs are dialed in plaintext and calls carry no token")]
    public static partial void IdentityOff(ILogger logger);

    [LoggerMessage(4005, LogLevel.Warning, "Cannot read the SVID files: {Error}")]
    public static partial void SvidFilesUnreadable(ILogger logger, string error);
}
