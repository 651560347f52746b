namespace Nsm.Simulator.Recording;

/// <summary>Marks one Request or Close in flight until disposed; disposing again changes nothing.</summary>
internal sealed class InFlightCall(CallConcurrency concurrency, string? nsmgr, string connectionId) : IDisposable
{
    private int _ended;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            concurrency.End(nsmgr, connectionId);
        }
    }
}
