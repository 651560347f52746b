using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests;

public sealed class TopologyTests
{
    [Fact]
    public void Default_is_two_nodes_with_two_forwarders_and_one_nse_for_ns1_each()
    {
        var topology = SimulatorTopology.Default();

        Assert.Equal(TimeSpan.FromMinutes(10), topology.TokenLifetime);
        Assert.Equal(["nsmgr-1", "nsmgr-2"], topology.Nodes.Select(n => n.Nsmgr));
        Assert.Equal(["fwd-1a", "fwd-1b"], topology.Nodes[0].Forwarders);
        Assert.Equal(["fwd-2a", "fwd-2b"], topology.Nodes[1].Forwarders);
        Assert.Equal("nse-2", Assert.Single(topology.Nodes[1].Nses).Name);
        Assert.Equal(["ns-1"], topology.Nodes[0].Nses[0].Services);
        Assert.All(topology.Nodes, n => Assert.Equal(0, n.Port));
    }

    [Fact]
    public void Default_names_several_nses_per_node_by_letter()
    {
        var topology = SimulatorTopology.Default(nodes: 1, nsesPerNode: 2, networkService: "ns-x");

        Assert.Equal(["nse-1a", "nse-1b"], topology.Nodes[0].Nses.Select(n => n.Name));
        Assert.All(topology.Nodes[0].Nses, n => Assert.Equal(["ns-x"], n.Services));
    }

    [Fact]
    public void Builder_sets_every_field()
    {
        var topology = SimulatorTopology.Builder()
            .WithTokenLifetime(TimeSpan.FromSeconds(30))
            .AddNode("node-1", "nsmgr-1", node => node
                .WithForwarders("fwd-1a", "fwd-1b")
                .AddNse("nse-1", "ns-1", "ns-2")
                .WithUnixSocket("/tmp/nsm-builder.sock")
                .WithPort(5001))
            .Build();

        var node = Assert.Single(topology.Nodes);
        Assert.Equal(TimeSpan.FromSeconds(30), topology.TokenLifetime);
        Assert.Equal(("node-1", "nsmgr-1", "/tmp/nsm-builder.sock", 5001), (node.Name, node.Nsmgr, node.UnixSocket, node.Port));
        Assert.Equal(["fwd-1a", "fwd-1b"], node.Forwarders);
        Assert.Equal(["ns-1", "ns-2"], Assert.Single(node.Nses).Services);
    }

    [Fact]
    public void Builder_validates_what_it_builds()
    {
        var error = Assert.Throws<InvalidTopologyException>(() => SimulatorTopology.Builder()
            .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1").AddNse("fwd-1", "ns-1"))
            .Build());

        Assert.Equal(
            "nodes[0].nses[0].name 'fwd-1' is already used by another NSMgr, forwarder or NSE; element names must be unique",
            error.Message);
    }

    public static TheoryData<string, string> BadConfigs => new()
    {
        { "{}", "missing required properties including: 'nodes'" },
        { """{ "nodes": [] }""", "nodes must list at least one node" },
        { """{ "nodes": [ { "name": "n", "nsmgr": "m", "forwarders": [] } ] }""", "nodes[0].forwarders must list at least one forwarder" },
        { """{ "nodes": [ { "name": "n", "nsmgr": "m", "forwarders": ["f"], "nses": [ { "name": "e", "services": [] } ] } ] }""", "nodes[0].nses[0].services must list at least one network service" },
        { """{ "nodes": [ { "name": "n", "nsmgr": "m", "forwarders": ["f"], "port": 70000 } ] }""", "nodes[0].port must be between 0 and 65535" },
        { """{ "tokenLifetime": "00:00:00", "nodes": [ { "name": "n", "nsmgr": "m", "forwarders": ["f"] } ] }""", "tokenLifetime must be positive" },
        { """{ "tokenLifetime": "ten minutes", "nodes": [] }""", "$.tokenLifetime" },
        { """{ "nodes": [ { "name": "n", "nsmgr": "m", "forwarders": ["f"], "nsmgrs": [] } ] }""", "nsmgrs" },
        { """{ "nodes": [ { "name": null, "nsmgr": "m", "forwarders": ["f"] } ] }""", "$.nodes[0].name" },
        { """{ "nodes": [ { "name": "n", "nsmgr": "m", "forwarders": ["f"] }, { "name": "n", "nsmgr": "m2", "forwarders": ["f2"] } ] }""", "nodes[1].name 'n' is already used by another node" },
        { "not json", "config is invalid" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Bad_config_names_the_field_and_the_rule(string json, string message)
    {
        var error = Assert.Throws<InvalidTopologyException>(() => TopologyFile.Parse(json));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Config_file_in_the_documented_shape_parses()
    {
        var topology = TopologyFile.Parse("""
            { "tokenLifetime": "00:10:00",
              "nodes": [ { "name": "node-1", "nsmgr": "nsmgr-1", "forwarders": ["fwd-1a","fwd-1b"],
                           "nses": [ { "name": "nse-1", "services": ["ns-1"] } ], "unixSocket": null } ] }
            """);

        var node = Assert.Single(topology.Nodes);
        Assert.Equal(("node-1", "nsmgr-1", (string?)null), (node.Name, node.Nsmgr, node.UnixSocket));
        Assert.Equal(["fwd-1a", "fwd-1b"], node.Forwarders);
        Assert.Equal("nse-1", Assert.Single(node.Nses).Name);
    }

    [Fact]
    public void Missing_config_file_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidTopologyException>(() => TopologyFile.Load("/nonexistent/topo.json"));

        Assert.StartsWith("config file '/nonexistent/topo.json' cannot be read", error.Message);
    }
}
