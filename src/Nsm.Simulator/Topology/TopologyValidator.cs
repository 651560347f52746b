using Nsm.Simulator.Fabric;

namespace Nsm.Simulator.Topology;

/// <summary>
/// Checks a topology before anything starts, so a bad config fails with the field and the rule
/// instead of surfacing later as a confusing routing error.
/// </summary>
public static class TopologyValidator
{
    public static void Validate(SimulatorTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (topology.TokenLifetime <= TimeSpan.Zero)
        {
            throw Invalid($"tokenLifetime must be positive, got {topology.TokenLifetime}");
        }

        if (topology.Nodes is null || topology.Nodes.Count == 0)
        {
            throw Invalid("nodes must list at least one node");
        }

        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        var elementNames = new HashSet<string>(StringComparer.Ordinal);
        var unixSockets = new HashSet<string>(StringComparer.Ordinal);
        var nseCount = 0;
        for (var n = 0; n < topology.Nodes.Count; n++)
        {
            var node = topology.Nodes[n] ?? throw Invalid($"nodes[{n}] must not be null");
            var at = $"nodes[{n}]";
            RequireName(node.Name, $"{at}.name");
            if (!nodeNames.Add(node.Name))
            {
                throw Invalid($"{at}.name '{node.Name}' is already used by another node; node names must be unique");
            }

            RequireUniqueElement(node.Nsmgr, $"{at}.nsmgr", elementNames);
            if (node.Forwarders is null || node.Forwarders.Count == 0)
            {
                throw Invalid($"{at}.forwarders must list at least one forwarder");
            }

            for (var f = 0; f < node.Forwarders.Count; f++)
            {
                RequireUniqueElement(node.Forwarders[f], $"{at}.forwarders[{f}]", elementNames);
            }

            var nses = node.Nses ?? throw Invalid($"{at}.nses must be a list (it may be empty)");
            for (var e = 0; e < nses.Count; e++)
            {
                ValidateNse(nses[e], $"{at}.nses[{e}]", elementNames);
            }

            nseCount += nses.Count;
            if (node.Port is < 0 or > 65535)
            {
                throw Invalid($"{at}.port must be between 0 and 65535 (0 = any free port), got {node.Port}");
            }

            if (node.UnixSocket is not null)
            {
                RequireName(node.UnixSocket, $"{at}.unixSocket");
                if (!unixSockets.Add(node.UnixSocket))
                {
                    throw Invalid($"{at}.unixSocket '{node.UnixSocket}' is already used by another node");
                }
            }
        }

        if (nseCount > AddressPoolAllocator.PoolCount)
        {
            throw Invalid($"nodes list {nseCount} NSEs; at most {AddressPoolAllocator.PoolCount} fit the NSE address pools");
        }
    }

    private static void ValidateNse(NseSpec? nse, string at, HashSet<string> elementNames)
    {
        if (nse is null)
        {
            throw Invalid($"{at} must not be null");
        }

        RequireUniqueElement(nse.Name, $"{at}.name", elementNames);
        if (nse.Services is null || nse.Services.Count == 0)
        {
            throw Invalid($"{at}.services must list at least one network service");
        }

        for (var s = 0; s < nse.Services.Count; s++)
        {
            RequireName(nse.Services[s], $"{at}.services[{s}]");
        }
    }

    private static void RequireUniqueElement(string? name, string field, HashSet<string> elementNames)
    {
        RequireName(name, field);
        if (!elementNames.Add(name!))
        {
            throw Invalid($"{field} '{name}' is already used by another NSMgr, forwarder or NSE; element names must be unique");
        }
    }

    private static void RequireName(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid($"{field} must not be empty");
        }
    }

    private static InvalidTopologyException Invalid(string message) => new(message);
}
