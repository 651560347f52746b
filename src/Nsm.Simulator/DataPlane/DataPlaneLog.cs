using Microsoft.Extensions.Logging;

namespace Nsm.Simulator.DataPlane;

/// <summary>The kernel data plane's structured log events; each method name is the event name.</summary>
internal static partial class DataPlaneLog
{
    [LoggerMessage(100, LogLevel.Information, "Data plane {Mode}: {Description}")]
    public static partial void DataPlaneChosen(ILogger logger, DataPlaneMode mode, string description);

    [LoggerMessage(101, LogLevel.Warning, "Kernel vWires are not possible here, so the data plane is modelled (booleans): {Reason}")]
    public static partial void KernelRefused(ILogger logger, string reason);
}
