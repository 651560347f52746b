using Nsm.Healing.Grains;

namespace Nsm.Healing.Monitoring;

/// <summary>Reentrant so concurrent first registrations share one write.</summary>
[Orleans.Concurrency.Reentrant]
public sealed class MonitorDirectoryGrain : Grain, IMonitorDirectoryGrain
{
    private readonly IPersistentState<HashSet<string>> _state;
    private readonly CoalescingWriter _writer;

    public MonitorDirectoryGrain([PersistentState("monitor-directory", HealingStorage.Name)] IPersistentState<HashSet<string>> state)
    {
        _state = state;
        _writer = new CoalescingWriter(state.WriteStateAsync);
    }

    /// <summary>Rolled back if the write fails, so the caller's retry writes it again.</summary>
    async Task IMonitorDirectoryGrain.Add(string nsmgrAddress)
    {
        if (_state.State.Add(nsmgrAddress))
        {
            try
            {
                await _writer.WriteAsync();
            }
            catch
            {
                _state.State.Remove(nsmgrAddress);
                throw;
            }
        }
    }

    async Task IMonitorDirectoryGrain.Remove(string nsmgrAddress)
    {
        if (_state.State.Remove(nsmgrAddress))
        {
            try
            {
                await _writer.WriteAsync();
            }
            catch
            {
                _state.State.Add(nsmgrAddress);
                throw;
            }
        }
    }

    Task<IReadOnlyList<string>> IMonitorDirectoryGrain.List() => Task.FromResult<IReadOnlyList<string>>(_state.State.Order(StringComparer.Ordinal).ToArray());
}
