namespace Nsm.Healing.Benchmarks;

/// <summary>Samples in milliseconds and their order statistics (nearest-rank percentiles).</summary>
public sealed record Distribution(int Samples, double P50Ms, double P99Ms, double MinMs, double MaxMs, double MeanMs, IReadOnlyList<double> RawMs)
{
    public static Distribution Of(IReadOnlyCollection<double> samplesMs)
    {
        if (samplesMs.Count == 0)
        {
            return new Distribution(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, []);
        }

        var sorted = samplesMs.Order().ToArray();
        return new Distribution(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 99), sorted[0], sorted[^1], sorted.Average(), [.. samplesMs]);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
