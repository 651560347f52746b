namespace Nsm.Healing.Grains;

/// <summary>
/// The single-writer rule of a connection grain: one input at a time is fed to its machine and carried out to the end,
/// so at most one NSMgr call or write per connection is under way. Anything that changes the connection asserts it
/// holds the gate.
/// </summary>
internal sealed class WriterGate
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private bool _held;

    public async Task<Held> Enter()
    {
        await _semaphore.WaitAsync();
        _held = true;
        return new Held(this);
    }

    /// <summary>Throws when called without the gate: a change made there could race the writer that holds it.</summary>
    public void AssertHeld()
    {
        if (!_held)
        {
            throw new InvalidOperationException("a connection grain changed its connection without holding its writer gate");
        }
    }

    public readonly struct Held(WriterGate gate) : IDisposable
    {
        public void Dispose()
        {
            gate._held = false;
            gate._semaphore.Release();
        }
    }
}
