namespace Nsm.Healing.Hosting;

/// <summary>
/// Work a silo runs in the background from the moment it is active in the cluster (before that, cluster grains cannot
/// be placed and calls would only log placement errors) until it stops, which cancels the work and waits for it.
/// </summary>
internal abstract class WhileSiloActive : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, Start, StopAsync);

    public void Dispose() => _stopping.Dispose();

    /// <summary>The work: it ends when <paramref name="stopping"/> is cancelled.</summary>
    protected abstract Task RunAsync(CancellationToken stopping);

    private Task Start(CancellationToken _)
    {
        _running = RunAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellation)
    {
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellation);
    }
}
