namespace Nsm.Simulator.Topology;

/// <summary>Builds a <see cref="SimulatorTopology"/> node by node; <see cref="Build"/> validates it.</summary>
public sealed class TopologyBuilder
{
    private readonly List<NodeSpec> _nodes = [];
    private TimeSpan _tokenLifetime = SimulatorTopology.DefaultTokenLifetime;

    public TopologyBuilder WithTokenLifetime(TimeSpan lifetime)
    {
        _tokenLifetime = lifetime;
        return this;
    }

    public TopologyBuilder AddNode(string name, string nsmgr, Action<NodeBuilder> configure)
    {
        var node = new NodeBuilder();
        configure(node);
        _nodes.Add(node.Build(name, nsmgr));
        return this;
    }

    public SimulatorTopology Build()
    {
        var topology = new SimulatorTopology { Nodes = [.. _nodes], TokenLifetime = _tokenLifetime };
        TopologyValidator.Validate(topology);
        return topology;
    }
}
