namespace Nsm.Healing.Custody;

/// <summary>
/// The cluster's blast radius (key 0): each silo sends its census summary every report interval; `top` and /status read
/// the sum. Soft state: a new activation is whole again within one interval, so nothing is stored.
/// </summary>
[Alias("nsm.IBlastRadiusGrain")]
public interface IBlastRadiusGrain : IGrainWithIntegerKey
{
    /// <summary>One silo's census. Returns the NSEs Up without a loop per network service, over every silo.</summary>
    [Alias("Report")]
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> Report(CensusReport report);

    [Alias("Read")]
    Task<BlastRadius> Read();
}
