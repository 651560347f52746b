namespace Nsm.Healing;

/// <summary>
/// The NSMgr refused or did not answer a Request or Close made on the NSC's behalf.
/// Carries the gRPC status so an NSC can tell a bad request (e.g. unknown network service) from an outage.
/// </summary>
[GenerateSerializer, Alias("nsm.NsmRequestFailedException")]
public sealed class NsmRequestFailedException : Exception
{
    /// <summary>An NSMgr failure with its gRPC status code name and a message naming the NSMgr.</summary>
    public NsmRequestFailedException(string statusCode, string message) : base(message) => StatusCode = statusCode;

    /// <summary>The gRPC status code name, e.g. "NotFound", "Unavailable", "DeadlineExceeded".</summary>
    [Id(0)] public string StatusCode { get; }
}
