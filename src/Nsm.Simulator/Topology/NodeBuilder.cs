namespace Nsm.Simulator.Topology;

/// <summary>Describes one node for <see cref="TopologyBuilder.AddNode"/>.</summary>
public sealed class NodeBuilder
{
    private readonly List<string> _forwarders = [];
    private readonly List<NseSpec> _nses = [];
    private string? _unixSocket;
    private int _port;

    public NodeBuilder WithForwarders(params string[] names)
    {
        _forwarders.AddRange(names);
        return this;
    }

    public NodeBuilder AddNse(string name, params string[] services)
    {
        _nses.Add(new NseSpec { Name = name, Services = services });
        return this;
    }

    public NodeBuilder WithUnixSocket(string path)
    {
        _unixSocket = path;
        return this;
    }

    public NodeBuilder WithPort(int port)
    {
        _port = port;
        return this;
    }

    internal NodeSpec Build(string name, string nsmgr) => new()
    {
        Name = name,
        Nsmgr = nsmgr,
        Forwarders = [.. _forwarders],
        Nses = [.. _nses],
        UnixSocket = _unixSocket,
        Port = _port,
    };
}
