namespace Nsm.Healing.Connections;

/// <summary>
/// The effects of one step. A <see cref="ConnectionEffect.Persist"/> closes the batch: what is added after it runs only
/// once the write is stored, so nothing announces a state that storage refused.
/// </summary>
public sealed class EffectBatch
{
    public List<ConnectionEffect> Now { get; } = [];

    /// <summary>The effects to run once the batch's write is stored; null when the batch writes nothing.</summary>
    public List<ConnectionEffect>? AfterWrite { get; private set; }

    public void Add(ConnectionEffect effect) => (AfterWrite ?? Now).Add(effect);

    public void Persist(ConnectionState state)
    {
        if (AfterWrite is not null)
        {
            throw new InvalidOperationException("one write per step: the second would run before the first is stored");
        }

        Now.Add(new ConnectionEffect.Persist(state.Copy()));
        AfterWrite = [];
    }
}
