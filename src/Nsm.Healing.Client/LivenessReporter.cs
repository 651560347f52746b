using Microsoft.Extensions.Logging;
using Nsm.Api;

namespace Nsm.Healing.Client;

/// <summary>
/// Runs a liveness check on one connection every <see cref="LivenessReporterOptions.CheckInterval"/> and tells its grain:
/// each change of verdict at once, the unchanged verdict again every <see cref="LivenessReporterOptions.ReaffirmInterval"/>
/// so the grain's "known good" does not go stale. A check that throws or times out counts as Down; Unknown is never reported.
/// </summary>
/// <remarks>
/// A heal replaces the Connection and its IPs, so a failure of the old one says nothing about the new one: before every
/// report, and after every failed check, the reporter fetches the grain's state and re-checks if the Connection changed.
/// It stops by itself once the grain says the connection is closed.
/// </remarks>
public sealed class LivenessReporter : IAsyncDisposable
{
    private readonly NsmHealingClient _client;
    private readonly ILivenessCheck _check;
    private readonly LivenessReporterOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private bool _disposed;

    // Touched only by the loop, one tick at a time.
    private ConnectionSnapshot? _snapshot;
    private DataPlaneVerdict? _observed;
    private DataPlaneVerdict _reported;
    private DateTimeOffset _reportedAt;

    /// <summary>A reporter for one connection; <see cref="Start"/> begins checking.</summary>
    public LivenessReporter(
        NsmHealingClient client,
        string connectionId,
        ILivenessCheck check,
        LivenessReporterOptions options,
        TimeProvider timeProvider,
        ILogger<LivenessReporter> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ConnectionArguments.ValidateId(connectionId);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        ConnectionId = connectionId;
        _check = check;
        _options = options.Validate();
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The connection whose data plane this reporter checks.</summary>
    public string ConnectionId { get; }

    /// <summary>Completes when the reporter has stopped: disposed, or the connection closed.</summary>
    public Task Completion => _loop ?? throw new InvalidOperationException($"The liveness reporter for connection {ConnectionId} has not been started.");

    /// <summary>Runs the first check now, then one every <see cref="LivenessReporterOptions.CheckInterval"/>.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_loop is not null)
        {
            throw new InvalidOperationException($"The liveness reporter for connection {ConnectionId} is already started.");
        }

        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Stops the checks and waits for the one in progress to end; nothing is reported afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.CheckInterval, _timeProvider);
        try
        {
            do
            {
                if (!await TickAsync(stopping))
                {
                    LivenessReporterLog.ConnectionClosed(_logger, ConnectionId);
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <returns>False once the connection is closed: there is nothing left to report on.</returns>
    private async Task<bool> TickAsync(CancellationToken stopping)
    {
        // One clock reading per tick, so a report's age counts from the tick that sent it however long the tick took.
        var now = _timeProvider.GetUtcNow();
        var result = await CheckCurrentConnectionAsync(now, stopping);
        if (_snapshot?.Phase == ConnectionPhase.Closed)
        {
            return false;
        }

        if (result is not null)
        {
            LogIfChanged(result);
            if (IsReportDue(result.Verdict, now))
            {
                await ReportAsync(result.Verdict, now, stopping);
            }
        }

        return true;
    }

    /// <returns>The verdict on the grain's current Connection, or null when there is none to check or its state is unavailable.</returns>
    private async Task<LivenessResult?> CheckCurrentConnectionAsync(DateTimeOffset now, CancellationToken stopping)
    {
        if (_snapshot?.Connection is { } known)
        {
            var result = await CheckAsync(known, stopping);
            if (result.Verdict != DataPlaneVerdict.Down && !IsReportDue(result.Verdict, now))
            {
                return result;
            }

            if (!await RefreshSnapshotAsync(stopping))
            {
                return null;
            }

            if (Equals(_snapshot.Connection, known))
            {
                return result;
            }

            LivenessReporterLog.ConnectionReplaced(_logger, ConnectionId);
        }
        else if (!await RefreshSnapshotAsync(stopping))
        {
            return null;
        }

        return _snapshot is { Phase: not ConnectionPhase.Closed, Connection: { } current } ? await CheckAsync(current, stopping) : null;
    }

    private async Task<LivenessResult> CheckAsync(Connection connection, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(_options.CheckTimeout, _timeProvider);
        using var checking = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            // WaitAsync also abandons a check that ignores its token.
            return await _check.CheckAsync(connection, checking.Token).WaitAsync(checking.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            return LivenessResult.Down($"the check did not answer within {_options.CheckTimeout}");
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            return LivenessResult.Down($"the check failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private bool IsReportDue(DataPlaneVerdict verdict, DateTimeOffset now) =>
        verdict != DataPlaneVerdict.Unknown
        && (verdict != _reported || now - _reportedAt >= _options.ReaffirmInterval);

    private async Task ReportAsync(DataPlaneVerdict verdict, DateTimeOffset now, CancellationToken stopping)
    {
        try
        {
            await _client.ReportDataPlaneAsync(ConnectionId, verdict, _snapshot?.Connection, stopping);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            LivenessReporterLog.GrainUnreachable(_logger, e, ConnectionId, $"report data plane {verdict}");
            return;
        }

        LivenessReporterLog.VerdictReported(_logger, ConnectionId, verdict, reaffirmed: verdict == _reported);
        _reported = verdict;
        _reportedAt = now;
    }

    private async Task<bool> RefreshSnapshotAsync(CancellationToken stopping)
    {
        try
        {
            _snapshot = await _client.GetAsync(ConnectionId, stopping);
            return true;
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            LivenessReporterLog.GrainUnreachable(_logger, e, ConnectionId, "fetch the grain's state");
            return false;
        }
    }

    private void LogIfChanged(LivenessResult result)
    {
        if (result.Verdict == _observed)
        {
            return;
        }

        _observed = result.Verdict;
        switch (result.Verdict)
        {
            case DataPlaneVerdict.Up: LivenessReporterLog.DataPlaneUp(_logger, ConnectionId, result.Reason); break;
            case DataPlaneVerdict.Down: LivenessReporterLog.DataPlaneDown(_logger, ConnectionId, result.Reason); break;
            default: LivenessReporterLog.DataPlaneUnknown(_logger, ConnectionId, result.Reason); break;
        }
    }
}
