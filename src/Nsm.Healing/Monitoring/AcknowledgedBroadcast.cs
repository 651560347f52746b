using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// Tells many connection grains one thing about their NSMgr (its stream lost, a connection missing from its snapshot,
/// the NSMgr back) and makes sure each heard it. A one-way message addressed while the cluster's membership moves (a
/// silo just killed, its grains not yet placed elsewhere) is dropped without a word; a connection that never hears
/// "the NSMgr forgot you" does not restore, and its next Close would reach an NSMgr that passes nothing on. So each call
/// is acknowledged (the grain takes the message in and answers at once, never waiting behind a heal), and those that
/// failed are sent again with backoff until they are delivered, the news is superseded, or the attempts run out.
/// </summary>
internal sealed class AcknowledgedBroadcast(string nsmgrAddress, TimeProvider time, ILogger logger)
{
    /// <summary>Delivery attempts per broadcast: the first and retries after 0.5, 1, 2, 4, 8 and 16 s (about half a minute).</summary>
    public const int MaxAttempts = 7;

    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Sends to every connection now; re-sends in the background to those it did not reach.</summary>
    /// <param name="sendTo">The acknowledged call to one connection; a fault or exception means it was not delivered.</param>
    /// <param name="what">The news, for the log.</param>
    /// <param name="stillCurrent">False once newer news replaces this one (a newer snapshot): retries stop.</param>
    /// <returns>Completes when every connection heard it, or the retries stopped; never faults.</returns>
    public Task Send(IReadOnlyCollection<string> connectionIds, Func<string, Task> sendTo, string what, Func<bool> stillCurrent) =>
        connectionIds.Count == 0 ? Task.CompletedTask : DeliverAsync(connectionIds, sendTo, what, stillCurrent);

    private async Task DeliverAsync(IReadOnlyCollection<string> connectionIds, Func<string, Task> sendTo, string what, Func<bool> stillCurrent)
    {
        IReadOnlyCollection<string> pending = connectionIds;
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var failed = await Task.WhenAll(pending.Select(id => TrySendAsync(id, sendTo)));
            pending = [.. failed.OfType<string>()];
            if (pending.Count == 0)
            {
                return;
            }

            if (attempt == MaxAttempts)
            {
                MonitorLog.BroadcastUndelivered(logger, nsmgrAddress, what, pending.Count, attempt);
                return;
            }

            MonitorLog.BroadcastRetry(logger, nsmgrAddress, what, pending.Count, delay);
            await Task.Delay(delay, time);
            delay *= 2;
            if (!stillCurrent())
            {
                return;
            }
        }
    }

    /// <returns>The connection id when the message was not delivered.</returns>
    private static async Task<string?> TrySendAsync(string connectionId, Func<string, Task> sendTo)
    {
        try
        {
            await sendTo(connectionId);
            return null;
        }
        catch (Exception)
        {
            // Not addressed (a dead silo not yet declared dead), not activated, or timed out: try again later.
            return connectionId;
        }
    }
}
