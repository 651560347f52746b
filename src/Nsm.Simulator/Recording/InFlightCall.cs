namespace Nsm.Simulator.Recording;

/// <summary>Marks one Request or Close in flight until disposed; a struct so tracking allocates nothing.</summary>
internal readonly struct InFlightCall(CallConcurrency concurrency, string? nsmgr, string connectionId) : IDisposable
{
    public void Dispose() => concurrency.End(nsmgr, connectionId);
}
