using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Decisions;
using Nsm.Healing.Nsmgr;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// The silo-local home of monitor stream loops: an endless loop must not live inside a grain call, so the
/// NSMgr's monitor grain asks this service, on its own silo, to run one for its epoch.
/// </summary>
public sealed class MonitorStreamRunner(
    IGrainFactory grains,
    NsmgrChannelPool channels,
    IOptions<MonitorOptions> options,
    OwnIdentity ownIdentity,
    IOptions<NsmgrClientOptions> nsmgrOptions,
    JitterSource jitter,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, NsmgrMonitorLoop> _loops = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<NsmgrMonitorLoop>();

    /// <summary>Starts the loop of <paramref name="epoch"/> for the monitor <paramref name="monitorKey"/>, stopping any older loop for it.</summary>
    public void Start(string monitorKey, long epoch)
    {
        var loop = new NsmgrMonitorLoop(
            MonitorKey.AddressOf(monitorKey), epoch, grains.GetGrain<INsmgrMonitorGrain>(monitorKey), channels, options.Value, ownIdentity,
            nsmgrOptions.Value.MaxReceiveMessageBytes, jitter, time, _logger);
        _loops.AddOrUpdate(monitorKey, loop, (_, older) =>
        {
            older.Stop();
            return loop;
        });
        loop.Start();
    }

    public void Stop(string nsmgrAddress, long epoch)
    {
        if (_loops.TryGetValue(nsmgrAddress, out var loop) && loop.Epoch == epoch && _loops.TryRemove(new(nsmgrAddress, loop)))
        {
            loop.Stop();
        }
    }

    /// <summary>Has the loop of <paramref name="epoch"/> re-read its snapshot within <paramref name="delay"/> (see <see cref="NsmgrMonitorLoop.ResyncWithin"/>).</summary>
    public void ResyncWithin(string nsmgrAddress, long epoch, TimeSpan delay)
    {
        if (_loops.TryGetValue(nsmgrAddress, out var loop) && loop.Epoch == epoch)
        {
            loop.ResyncWithin(delay);
        }
    }

    /// <summary>Since when the loop of <paramref name="epoch"/> has streamed without a break (<see cref="NsmgrMonitorLoop.OpenSince"/>); null when none does.</summary>
    public DateTimeOffset? OpenSince(string monitorKey, long epoch) => Running(monitorKey, epoch)?.OpenSince;

    public bool IsRunning(string monitorKey, long epoch) => Running(monitorKey, epoch) is not null;

    private NsmgrMonitorLoop? Running(string monitorKey, long epoch) =>
        _loops.TryGetValue(monitorKey, out var loop) && loop.Epoch == epoch && !loop.IsCompleted ? loop : null;

    /// <summary>The silo is going away: end every stream so the NSMgrs see them close.</summary>
    public void Dispose()
    {
        foreach (var loop in _loops.Values)
        {
            loop.Stop();
        }

        _loops.Clear();
    }
}
