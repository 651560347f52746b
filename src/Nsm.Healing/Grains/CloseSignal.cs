namespace Nsm.Healing.Grains;

/// <summary>
/// The NSC's intent to close, and the cancellation of whatever call is in flight, as one signal: Close raises it at
/// once, before it waits for the gate, so it wins over a heal in progress; no Request leaves while it is raised. The one
/// thing a connection grain changes outside its gate, and safe to: raising is idempotent and thread-safe.
/// </summary>
internal sealed class CloseSignal : IDisposable
{
    private CancellationTokenSource _raised = new();

    public bool IsRaised => _raised.IsCancellationRequested;

    /// <summary>Cancels the call in flight, if any.</summary>
    public CancellationToken Token => _raised.Token;

    public void Raise() => _raised.Cancel();

    /// <summary>After the Close it stood for is carried out (under the gate): a later Request opens a new connection.</summary>
    public void Lower()
    {
        if (_raised.IsCancellationRequested)
        {
            _raised.Dispose();
            _raised = new CancellationTokenSource();
        }
    }

    public void Dispose() => _raised.Dispose();
}
