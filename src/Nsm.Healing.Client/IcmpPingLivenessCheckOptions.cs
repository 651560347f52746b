namespace Nsm.Healing.Client;

/// <summary>How <see cref="IcmpPingLivenessCheck"/> pings.</summary>
public sealed class IcmpPingLivenessCheckOptions
{
    /// <summary>
    /// How long to wait for each echo reply. Default 500 ms: inside the reporter's default 1 s check timeout, so a silent
    /// destination is reported by name rather than as a timed-out check.
    /// </summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// True (default, as upstream): the connection is alive only when every destination answers.
    /// False: one answer is enough, for connections whose destinations do not all answer ICMP.
    /// </summary>
    public bool RequireAllDestinations { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the field that breaks its rule.</summary>
    public IcmpPingLivenessCheckOptions Validate()
    {
        // Ping takes its timeout in whole milliseconds, as an int.
        if (ReplyTimeout < TimeSpan.FromMilliseconds(1) || ReplyTimeout > TimeSpan.FromMilliseconds(int.MaxValue))
        {
            throw new ArgumentException(
                $"Invalid ICMP liveness check options: {nameof(ReplyTimeout)} must be between 1 ms and {TimeSpan.FromMilliseconds(int.MaxValue)} (was {ReplyTimeout})",
                nameof(IcmpPingLivenessCheckOptions));
        }

        return this;
    }
}
