namespace Nsm.Healing.Cli.Operator;

/// <summary>Follows a connection's Watch until the heal an operator started has ended.</summary>
public static class HealWaiter
{
    /// <returns>The first snapshot after <paramref name="before"/> that is Up or Failed with a heal recorded since.</returns>
    public static async Task<ConnectionSnapshot> UntilEndedAsync(OperatorCall call, string connectionId, ConnectionSnapshot before, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(call.Cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            await foreach (var snapshot in call.Connection(connectionId).Watch(deadline.Token).WithCancellation(deadline.Token))
            {
                var healEnded = snapshot.History.Count > 0
                    && before.History.All(old => old.IncidentId != snapshot.History[^1].IncidentId);
                if (snapshot.Phase is ConnectionPhase.Up or ConnectionPhase.Failed && healEnded || snapshot.Phase == ConnectionPhase.Closed)
                {
                    return snapshot;
                }
            }
        }
        catch (OperationCanceledException) when (!call.Cancellation.IsCancellationRequested)
        {
            throw CliException.Failed($"the heal of '{connectionId}' did not end within {timeout.TotalSeconds:0.#} s");
        }

        return await call.Connection(connectionId).GetState().WaitAsync(call.Cancellation);
    }
}
