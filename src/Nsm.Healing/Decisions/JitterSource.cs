namespace Nsm.Healing.Decisions;

/// <summary>The one source of randomness in healing, injected so tests can seed it.</summary>
public sealed class JitterSource(Random random)
{
    public static JitterSource Shared { get; } = new(Random.Shared);

    /// <summary>A uniform draw from [0, 1).</summary>
    public double NextFraction()
    {
        // A seeded Random is not thread-safe, and grains on many threads share this one.
        lock (random)
        {
            return random.NextDouble();
        }
    }
}
