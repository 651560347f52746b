using System.Diagnostics;

namespace Nsm.Healing.Testing;

/// <summary>
/// Waits on a condition with a deadline — never a fixed sleep — and fails naming what was awaited. One clock story:
/// deadlines are real elapsed time on the monotonic clock (<see cref="Stopwatch"/>), never the wall clock (which can
/// jump) and never a test's fake clock (which a test advances; see <see cref="AdvanceUntil"/>).
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(20);

    /// <param name="diagnostics">Appended to the failure: the state a reader needs to see why the wait failed.</param>
    /// <param name="poll">Time between two looks at the condition; 20 ms unless a look is costly.</param>
    public static Task True(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null, TimeSpan? poll = null) =>
        True(() => Task.FromResult(condition()), () => what, timeout, diagnostics, poll);

    public static Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null, TimeSpan? poll = null) =>
        True(condition, () => what, timeout, diagnostics, poll);

    /// <summary>As <see cref="True(Func{bool}, string, TimeSpan?, Func{string}?, TimeSpan?)"/>, with the awaited thing described only when the wait fails.</summary>
    public static Task True(Func<bool> condition, Func<string> what, TimeSpan? timeout = null) =>
        True(() => Task.FromResult(condition()), what, timeout, diagnostics: null, poll: null);

    /// <summary>Waits until the connection is in <paramref name="phase"/> (and matches <paramref name="predicate"/>); returns that snapshot.</summary>
    public static async Task<ConnectionSnapshot> Phase(
        IConnectionGrain grain, ConnectionPhase phase, Func<ConnectionSnapshot, bool>? predicate = null, TimeSpan? timeout = null)
    {
        ConnectionSnapshot? last = null;
        await True(async () =>
            {
                last = await grain.GetState();
                return last.Phase == phase && (predicate?.Invoke(last) ?? true);
            },
            () => $"connection {grain.GetPrimaryKeyString()} to reach {phase}{(predicate is null ? "" : " with the expected state")} (last: {Describe(last)})",
            timeout, diagnostics: null, poll: null);
        return last!;
    }

    private static string Describe(ConnectionSnapshot? last) =>
        last is null
            ? "none"
            : $"{last.Phase} {last.Reason}; endpoint {last.Endpoint}; heals [{string.Join(", ", last.History.Append(last.CurrentHeal).OfType<HealRecord>().Select(h =>
                $"{h.Trigger} {h.Decision} x{h.Attempts} {h.Outcome} {h.EndpointBefore}->{h.EndpointAfter} {h.Detail}"))}]";

    public static Task<ConnectionSnapshot> Phase(
        IGrainFactory grains, string id, ConnectionPhase phase, Func<ConnectionSnapshot, bool>? predicate = null, TimeSpan? timeout = null) =>
        Phase(grains.GetGrain<IConnectionGrain>(id), phase, predicate, timeout);

    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="condition"/> holds, letting real
    /// work (gRPC, grain turns) run in between; the deadline is real time, as for every other wait.
    /// </summary>
    public static Task AdvanceUntil(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, Func<Task<bool>> condition, TimeSpan step, string what) =>
        True(async () =>
            {
                if (await condition())
                {
                    return true;
                }

                time.Advance(step);
                return false;
            },
            () => $"{what} (advancing fake time by {step} a step)", timeout: null, diagnostics: null, poll: TimeSpan.FromMilliseconds(10));

    private static async Task True(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout, Func<string>? diagnostics, TimeSpan? poll)
    {
        var limit = timeout ?? DefaultTimeout;
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds} s waiting for: {what()}{(diagnostics is null ? "" : "\n" + diagnostics())}");
            }

            await Task.Delay(poll ?? DefaultPoll);
        }
    }
}
