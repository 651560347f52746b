using CsCheck;
using Nsm.Api;

namespace Nsm.Healing.Tests.Properties;

/// <summary>Generated NSM requests and connections, shaped like the NSMgr's answers: NSC at hop 0, NSMgr at hop 1.</summary>
internal static class RequestGenerators
{
    private static readonly Gen<string> Name = Gen.String[Gen.Char.AlphaNumeric, 1, 8];
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly Gen<PathSegment> Segment =
        from name in Name
        from id in Name
        from token in Name
        from expiresSeconds in Gen.Int[0, 86_400]
        select new PathSegment
        {
            Name = name,
            Id = id,
            Token = token,
            Expires = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Epoch.AddSeconds(expiresSeconds)),
        };

    public static readonly Gen<Mechanism> Mechanism =
        from cls in Gen.OneOf("LOCAL", "REMOTE")
        from type in Gen.OneOf("KERNEL", "MEMIF", "VXLAN", "WIREGUARD")
        from parameters in Gen.Dictionary(Name, Name)[0, 3]
        select new Mechanism { Cls = cls, Type = type, Parameters = { parameters } };

    /// <summary>A connection whose path has at least <paramref name="minHops"/> segments.</summary>
    public static Gen<Connection> ConnectionWith(int minHops) =>
        from id in Name
        from service in Name
        from endpoint in Gen.Frequency((4, Name), (1, Gen.Const("")))
        from mechanism in Gen.Frequency((4, Mechanism.Select(m => (Mechanism?)m)), (1, Gen.Const((Mechanism?)null)))
        from labels in Gen.Dictionary(Name, Name)[0, 4]
        from extraContext in Gen.Dictionary(Name, Name)[0, 3]
        from mtu in Gen.UInt[0, 9000]
        from segments in Segment.Array[minHops, 6]
        from index in Gen.UInt[0, 5]
        from payload in Gen.OneOf("ETHERNET", "IP", "")
        from state in Gen.Enum<State>()
        select new Connection
        {
            Id = id,
            NetworkService = service,
            NetworkServiceEndpointName = endpoint,
            Mechanism = mechanism,
            Labels = { labels },
            Context = new ConnectionContext { ExtraContext = { extraContext }, MTU = mtu },
            Path = new Path { Index = Math.Min(index, (uint)Math.Max(0, segments.Length - 1)), PathSegments = { segments } },
            Payload = payload,
            State = state,
        };

    public static readonly Gen<NetworkServiceRequest> Request =
        from connection in ConnectionWith(0)
        from preferences in Mechanism.Array[0, 3]
        select new NetworkServiceRequest { Connection = connection, MechanismPreferences = { preferences } };
}
