using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Testing;

namespace Nsm.Healing.Tests.Monitoring;

/// <summary>
/// The monitor's news about its NSMgr reaches every connection: a call that was not delivered (a grain on a silo just
/// killed) is sent again with backoff, and only to those it missed.
/// </summary>
public sealed class AcknowledgedBroadcastTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Connections_the_first_call_missed_hear_it_on_a_retry_and_the_others_hear_it_once()
    {
        var heard = new List<string>();
        var missesLeft = new Dictionary<string, int> { ["b"] = 2 };
        var delivery = Broadcast().Send(["a", "b", "c"], id =>
        {
            heard.Add(id);
            if (missesLeft.TryGetValue(id, out var misses) && misses > 0)
            {
                missesLeft[id] = misses - 1;
                throw new InvalidOperationException($"no silo for {id} yet");
            }

            return Task.CompletedTask;
        }, "control plane lost", () => true);

        Assert.False(delivery.IsCompleted);
        Assert.Equal(["a", "b", "c"], heard);
        await AdvanceUntil(delivery, () => heard.Count == 4, AcknowledgedBroadcast.FirstRetryDelay);
        await AdvanceUntil(delivery, () => delivery.IsCompleted, 2 * AcknowledgedBroadcast.FirstRetryDelay);

        await delivery;
        Assert.Equal(["a", "b", "c", "b", "b"], heard);
    }

    [Fact]
    public async Task A_retry_stops_when_newer_news_replaced_it()
    {
        var calls = 0;
        var current = true;
        var delivery = Broadcast().Send(["a"], _ =>
        {
            calls++;
            return Task.FromException(new TimeoutException("not delivered"));
        }, "missing from the NSMgr's snapshot", () => current);

        current = false;
        await AdvanceUntil(delivery, () => delivery.IsCompleted, AcknowledgedBroadcast.FirstRetryDelay);

        await delivery;
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Retries_give_up_after_the_last_attempt_without_faulting()
    {
        var calls = 0;
        var delivery = Broadcast().Send(["a"], _ =>
        {
            calls++;
            throw new InvalidOperationException("never delivered");
        }, "the NSMgr is back", () => true);

        await Eventually.AdvanceUntil(_time, () => Task.FromResult(delivery.IsCompleted), TimeSpan.FromSeconds(1), "the retries to run out");

        await delivery;
        Assert.Equal(AcknowledgedBroadcast.MaxAttempts, calls);
    }

    private AcknowledgedBroadcast Broadcast() => new("https://nsmgr-1:5001", _time, NullLogger.Instance);

    /// <summary>Moves fake time one step, then waits (real time, bounded) for the delivery's continuations to get there.</summary>
    private async Task AdvanceUntil(Task delivery, Func<bool> condition, TimeSpan step)
    {
        _time.Advance(step);
        await Eventually.True(() => condition() || delivery.IsFaulted, $"the delivery to move on after advancing {step}");
        Assert.False(delivery.IsFaulted);
    }
}
