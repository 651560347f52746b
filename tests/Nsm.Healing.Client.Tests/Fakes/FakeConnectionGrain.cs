namespace Nsm.Healing.Client.Tests.Fakes;

/// <summary>A connection grain that answers GetState with whatever the test sets and records what it is told.</summary>
internal sealed class FakeConnectionGrain(string connectionId) : IConnectionGrain
{
    private volatile ConnectionSnapshot _state = new() { ConnectionId = connectionId };
    private int _reportFailuresLeft;

    public ConnectionSnapshot State { get => _state; set => _state = value; }

    /// <summary>Every ReportDataPlane call, including those told to fail.</summary>
    public Recorded<DataPlaneVerdict> Reports { get; } = new();
    public Recorded<ConnectionSnapshot> StateReads { get; } = new();
    public Recorded<object> Received { get; } = new();

    /// <summary>Makes Request and Adopt wait until the test completes this.</summary>
    public TaskCompletionSource? HoldAnswers { get; set; }

    public void FailNextReports(int count) => Interlocked.Exchange(ref _reportFailuresLeft, count);

    public async Task<ConnectionSnapshot> Request(ConnectionRequest request)
    {
        Received.Add(request);
        await (HoldAnswers?.Task ?? Task.CompletedTask);
        return State;
    }

    public async Task<ConnectionSnapshot> Adopt(AdoptRequest request)
    {
        Received.Add(request);
        await (HoldAnswers?.Task ?? Task.CompletedTask);
        return State;
    }

    public Task Close()
    {
        Received.Add(nameof(Close));
        return Task.CompletedTask;
    }

    public Task<ConnectionSnapshot> GetState()
    {
        var state = State;
        StateReads.Add(state);
        return Task.FromResult(state);
    }

    public async IAsyncEnumerable<ConnectionSnapshot> Watch([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield return State;
    }

    public Task ReportDataPlane(DataPlaneVerdict verdict, Nsm.Api.Connection? checkedConnection = null)
    {
        Reports.Add(verdict);
        return Interlocked.Decrement(ref _reportFailuresLeft) >= 0
            ? Task.FromException(new TimeoutException("the silo did not answer"))
            : Task.CompletedTask;
    }

    public Task CloseByOperator() => throw new NotSupportedException();

    public Task HealNow() => throw new NotSupportedException();

    public Task ReselectNow() => throw new NotSupportedException();

    public Task HealByOperator(bool reselect, string reason) => throw new NotSupportedException();

    public Task CloseByOperator(string reason, bool force) => throw new NotSupportedException();

    public Task Pause(string reason) => throw new NotSupportedException();

    public Task Resume() => throw new NotSupportedException();
}
