namespace Nsm.Simulator.Fabric;

/// <summary>
/// A data-plane element (forwarder or NSE). The incarnation is bumped on every restart, so wiring made
/// before a restart is recognisably stale even though the element is alive again under the same name.
/// </summary>
internal abstract class FabricElement(string name, string node)
{
    public string Name { get; } = name;

    public string Node { get; } = node;

    public bool Alive { get; private set; } = true;

    public long Incarnation { get; private set; } = 1;

    public void Kill() => Alive = false;

    public void Revive()
    {
        Alive = true;
        Incarnation++;
    }

    /// <summary>True while this element still carries wiring made at <paramref name="incarnation"/>.</summary>
    public bool Carries(long incarnation) => Alive && Incarnation == incarnation;
}
