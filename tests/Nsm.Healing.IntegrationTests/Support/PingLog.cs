using Nsm.Healing.Client;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// Pings the connection's NSE-side address from inside the NSC's namespace every 50 ms (the grain's connection of the
/// moment, so a heal's new address is followed), and keeps every answer with its time.
/// </summary>
public sealed class PingLog : IAsyncDisposable
{
    private readonly List<(DateTimeOffset At, LivenessResult Result)> _answers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PingLog(IConnectionGrain grain, ILivenessCheck check) => _loop = RunAsync(grain, check);

    public IReadOnlyList<(DateTimeOffset At, LivenessResult Result)> Answers
    {
        get
        {
            lock (_answers)
            {
                return [.. _answers];
            }
        }
    }

    /// <summary>The answers from <paramref name="from"/> on.</summary>
    public IReadOnlyList<LivenessResult> Since(DateTimeOffset from) => [.. Answers.Where(a => a.At >= from).Select(a => a.Result)];

    private async Task RunAsync(IConnectionGrain grain, ILivenessCheck check)
    {
        while (!_stop.IsCancellationRequested)
        {
            if ((await grain.GetState()).Connection is { } connection)
            {
                var result = await check.CheckAsync(connection, _stop.Token);
                lock (_answers)
                {
                    _answers.Add((DateTimeOffset.UtcNow, result));
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
