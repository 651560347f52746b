namespace Nsm.Healing.Monitoring;

/// <summary>One slice of the connections registered behind an NSMgr, stored on its own (see <see cref="RegisteredConnections"/>).</summary>
[GenerateSerializer, Alias("nsm.RegistrationBucket")]
public sealed class RegistrationBucket
{
    [Id(0)] public HashSet<string> ConnectionIds { get; set; } = new(StringComparer.Ordinal);
}
