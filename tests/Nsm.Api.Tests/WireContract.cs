namespace Nsm.Api.Tests;

/// <summary>
/// The NSM wire contract as shared/nsm-wire.md tables it, one row per field, value or method.
/// Written by hand from the tables (never from the generated code) so a drift in protos/ fails a test.
/// </summary>
internal static class WireContract
{
    /// <summary>"message full name | field number | field name | type" — map and repeated spelled out.</summary>
    public static readonly string[] Fields =
    [
        "connectioncontext.IpNeighbor|1|ip|string",
        "connectioncontext.IpNeighbor|2|hardware_address|string",
        "connectioncontext.Route|1|prefix|string",
        "connectioncontext.Route|2|nextHop|string",
        "connectioncontext.IpFamily|1|family|connectioncontext.IpFamily.Family",
        "connectioncontext.ExtraPrefixRequest|1|addr_family|connectioncontext.IpFamily",
        "connectioncontext.ExtraPrefixRequest|2|prefix_len|uint32",
        "connectioncontext.ExtraPrefixRequest|3|required_number|uint32",
        "connectioncontext.ExtraPrefixRequest|4|requested_number|uint32",
        "connectioncontext.PolicyRoute|1|from|string",
        "connectioncontext.PolicyRoute|2|proto|string",
        "connectioncontext.PolicyRoute|3|dst_port|string",
        "connectioncontext.PolicyRoute|4|src_port|string",
        "connectioncontext.PolicyRoute|5|routes|repeated connectioncontext.Route",
        "connectioncontext.IPContext|1|src_ip_addrs|repeated string",
        "connectioncontext.IPContext|2|dst_ip_addrs|repeated string",
        "connectioncontext.IPContext|3|src_ip_required|bool",
        "connectioncontext.IPContext|4|dst_ip_required|bool",
        "connectioncontext.IPContext|5|src_routes|repeated connectioncontext.Route",
        "connectioncontext.IPContext|6|dst_routes|repeated connectioncontext.Route",
        "connectioncontext.IPContext|7|excluded_prefixes|repeated string",
        "connectioncontext.IPContext|8|ip_neighbors|repeated connectioncontext.IpNeighbor",
        "connectioncontext.IPContext|9|extra_prefix_request|repeated connectioncontext.ExtraPrefixRequest",
        "connectioncontext.IPContext|10|extra_prefixes|repeated string",
        "connectioncontext.IPContext|11|policies|repeated connectioncontext.PolicyRoute",
        "connectioncontext.DNSConfig|1|dns_server_ips|repeated string",
        "connectioncontext.DNSConfig|2|search_domains|repeated string",
        "connectioncontext.DNSContext|1|configs|repeated connectioncontext.DNSConfig",
        "connectioncontext.EthernetContext|1|src_mac|string",
        "connectioncontext.EthernetContext|2|dst_mac|string",
        "connectioncontext.EthernetContext|3|vlan_tag|int32",
        "connectioncontext.ConnectionContext|1|ip_context|connectioncontext.IPContext",
        "connectioncontext.ConnectionContext|2|dns_context|connectioncontext.DNSContext",
        "connectioncontext.ConnectionContext|3|ethernet_context|connectioncontext.EthernetContext",
        "connectioncontext.ConnectionContext|4|extra_context|map<string, string>",
        "connectioncontext.ConnectionContext|5|MTU|uint32",

        "connection.Mechanism|1|cls|string",
        "connection.Mechanism|2|type|string",
        "connection.Mechanism|3|parameters|map<string, string>",
        "connection.PathSegment|1|name|string",
        "connection.PathSegment|2|id|string",
        "connection.PathSegment|3|token|string",
        "connection.PathSegment|4|expires|google.protobuf.Timestamp",
        "connection.PathSegment|5|metrics|map<string, string>",
        "connection.Path|1|index|uint32",
        "connection.Path|2|path_segments|repeated connection.PathSegment",
        "connection.Connection|1|id|string",
        "connection.Connection|2|network_service|string",
        "connection.Connection|3|mechanism|connection.Mechanism",
        "connection.Connection|4|context|connectioncontext.ConnectionContext",
        "connection.Connection|5|labels|map<string, string>",
        "connection.Connection|6|path|connection.Path",
        "connection.Connection|7|network_service_endpoint_name|string",
        "connection.Connection|8|payload|string",
        "connection.Connection|9|state|connection.State",
        "connection.ConnectionEvent|1|type|connection.ConnectionEventType",
        "connection.ConnectionEvent|2|connections|map<string, connection.Connection>",
        "connection.MonitorScopeSelector|1|path_segments|repeated connection.PathSegment",
        "connection.MonitorScopeSelector|2|network_services|repeated string",

        "networkservice.NetworkServiceRequest|1|connection|connection.Connection",
        "networkservice.NetworkServiceRequest|2|mechanism_preferences|repeated connection.Mechanism",
    ];

    /// <summary>"enum full name | number | value name".</summary>
    public static readonly string[] EnumValues =
    [
        "connectioncontext.IpFamily.Family|0|IPV4",
        "connectioncontext.IpFamily.Family|1|IPV6",
        "connection.State|0|UP",
        "connection.State|1|DOWN",
        "connection.State|2|REFRESH_REQUESTED",
        "connection.State|3|RESELECT_REQUESTED",
        "connection.ConnectionEventType|0|INITIAL_STATE_TRANSFER",
        "connection.ConnectionEventType|1|UPDATE",
        "connection.ConnectionEventType|2|DELETE",
    ];

    /// <summary>"method path | input | output | streaming".</summary>
    public static readonly string[] Methods =
    [
        "/connection.MonitorConnection/MonitorConnections|connection.MonitorScopeSelector|connection.ConnectionEvent|server-streaming",
        "/networkservice.NetworkService/Request|networkservice.NetworkServiceRequest|connection.Connection|unary",
        "/networkservice.NetworkService/Close|connection.Connection|google.protobuf.Empty|unary",
    ];

    /// <summary>"file name | proto package | syntax | imports".</summary>
    public static readonly string[] Files =
    [
        "connectioncontext.proto|connectioncontext|proto3|",
        "connection.proto|connection|proto3|google/protobuf/timestamp.proto,connectioncontext.proto",
        "networkservice.proto|networkservice|proto3|google/protobuf/empty.proto,connection.proto",
    ];
}
