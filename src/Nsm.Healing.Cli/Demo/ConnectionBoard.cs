using Nsm.Healing.Cli.Output;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// The demo's view of its connections: polls every grain a few times a second, keeps the latest snapshots, hands
/// each change to the live view, and lets scenarios wait for a condition on fresh snapshots.
/// </summary>
public sealed class ConnectionBoard(IGrainFactory grains, IReadOnlyList<string> ids, LiveView view)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(150);

    // A grain on a silo that just died does not answer until the cluster notices; its last snapshot stands meanwhile.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, ConnectionSnapshot> _latest = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _round;

    public IReadOnlyDictionary<string, ConnectionSnapshot> Latest
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, ConnectionSnapshot>(_latest, StringComparer.Ordinal);
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            await PollOnceAsync();
        }
        while (await timer.WaitForNextTickAsync(cancellation));
    }

    /// <summary>Until <paramref name="condition"/> holds on snapshots polled after this call began.</summary>
    public async Task WaitAsync(Func<IReadOnlyDictionary<string, ConnectionSnapshot>, bool> condition, string what, TimeSpan timeout, CancellationToken cancellation)
    {
        var startRound = Interlocked.Read(ref _round);
        await Wait.UntilAsync(
            () => Task.FromResult(Interlocked.Read(ref _round) > startRound + 1 && condition(Latest)),
            what, timeout, cancellation);
    }

    private async Task PollOnceAsync()
    {
        var polled = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await grains.GetGrain<IConnectionGrain>(id).GetState().WaitAsync(CallTimeout);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                return null;
            }
        }));

        var changes = new List<string>();
        lock (_gate)
        {
            foreach (var snapshot in polled.OfType<ConnectionSnapshot>())
            {
                if (SnapshotText.Change(_latest.GetValueOrDefault(snapshot.ConnectionId), snapshot) is { } change && _latest.ContainsKey(snapshot.ConnectionId))
                {
                    changes.Add(change);
                }

                _latest[snapshot.ConnectionId] = snapshot;
            }
        }

        Interlocked.Increment(ref _round);
        view.Update(Latest, changes);
    }
}
