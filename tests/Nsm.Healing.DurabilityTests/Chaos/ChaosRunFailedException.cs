namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>Any failure of a chaos run, carrying the seed and the command that replays it in its message.</summary>
public sealed class ChaosRunFailedException(ChaosRunSettings settings, Exception failure) : Exception(
    $"chaos run of seed {settings.Seed} failed; replay: {settings.ReplayCommand}\n{failure.Message}", failure)
{
    public static async Task AttributeToSeed(ChaosRunSettings settings, Func<Task> run)
    {
        try
        {
            await run();
        }
        catch (Exception e)
        {
            throw new ChaosRunFailedException(settings, e);
        }
    }
}
