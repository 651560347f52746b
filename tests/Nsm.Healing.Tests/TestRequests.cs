using Nsm.Api;

namespace Nsm.Healing.Tests;

/// <summary>A realistic NSC request as the NSMgr answered it: four hops, tokens, context, labels, payload.</summary>
internal static class TestRequests
{
    public const string ConnectionId = "nsc-1-conn";
    public static readonly DateTimeOffset IssuedAt = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static NetworkServiceRequest LastGood() => new()
    {
        Connection = new Connection
        {
            Id = ConnectionId,
            NetworkService = "icmp-responder",
            Mechanism = new Mechanism { Cls = "LOCAL", Type = "KERNEL", Parameters = { ["name"] = "nsm-1" } },
            Context = new ConnectionContext
            {
                IpContext = new IPContext { SrcIpAddrs = { "172.16.0.2/32" }, DstIpAddrs = { "172.16.0.1/32" } },
                ExtraContext = { ["dns"] = "on" },
                MTU = 1446,
            },
            Labels = { ["app"] = "alpine", ["nodeName"] = "node-1" },
            // The answer comes back with the index where the last server left it; the NSC is hop 0.
            Path = new Path
            {
                Index = 1,
                PathSegments =
                {
                    Segment("nsc-1", ConnectionId, "token-nsc"),
                    Segment("nsmgr-1", "nsmgr-conn", "token-nsmgr"),
                    Segment("forwarder-1", "fwd-conn", "token-fwd"),
                    Segment("nse-1", "nse-conn", "token-nse"),
                },
            },
            NetworkServiceEndpointName = "nse-1",
            Payload = "ETHERNET",
            State = State.Up,
        },
        MechanismPreferences =
        {
            new Mechanism { Cls = "LOCAL", Type = "KERNEL" },
            new Mechanism { Cls = "LOCAL", Type = "MEMIF" },
        },
    };

    public static PathSegment Segment(string name, string id, string token, DateTimeOffset? expires = null) => new()
    {
        Name = name,
        Id = id,
        Token = token,
        Expires = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(expires ?? IssuedAt.AddMinutes(10)),
    };
}
