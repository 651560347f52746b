using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Nsm.Identity;
using Nsm.Simulator.Monitor;
using Nsm.Simulator.Namespaces;

namespace Nsm.Simulator.Nsmgrs;

/// <summary>
/// One NSMgr's control-plane state: whether it is up, the connections it knows (lost on restart) and its
/// monitor streams. Callers hold the simulation gate.
/// </summary>
internal sealed class Nsmgr
{
    private static readonly string[] ServedServices = ["", "networkservice.NetworkService", "connection.MonitorConnection"];

    private string _downReason = "down";

    public Nsmgr(string name, string node, MonitorHub monitor)
    {
        Name = name;
        Node = node;
        Monitor = monitor;
        SetHealth(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    public string Name { get; }

    public string Node { get; }

    public bool Up { get; private set; } = true;

    /// <summary>Bumped whenever the NSMgr goes down, so a pending comeback from an older restart is ignored.</summary>
    public long Generation { get; private set; }

    /// <summary>Known connections keyed by the NSC's connection id.</summary>
    public Dictionary<string, ManagedConnection> Connections { get; } = new(StringComparer.Ordinal);

    /// <summary>Who requested each connection (keyed by the caller's segment id), as cmd-nsmgr keeps it for monitor authorization.</summary>
    public Dictionary<string, SpiffeId> Owners { get; } = new(StringComparer.Ordinal);

    public MonitorHub Monitor { get; }

    /// <summary>Client Closes still to be answered with success and lost (an injected fault).</summary>
    public int ClosesToLose { get; set; }

    public HealthServiceImpl Health { get; } = new();

    /// <summary>Descriptors received on its unix socket (thread-safe on its own; lost on restart like the rest).</summary>
    public ReceivedDescriptors Descriptors { get; } = new();

    public void EnsureUp()
    {
        if (!Up)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"{Name} is {_downReason}"));
        }
    }

    /// <summary>Goes down like a crashed process: memory gone, streams cut, health NOT_SERVING.</summary>
    public long GoDown(string reason)
    {
        _downReason = reason;
        Generation++;
        if (Up)
        {
            Up = false;
            Connections.Clear();
            Owners.Clear();
            Descriptors.Clear();
            Monitor.EndAll(new Status(StatusCode.Unavailable, $"{Name} is {reason}"));
            SetHealth(HealthCheckResponse.Types.ServingStatus.NotServing);
        }

        return Generation;
    }

    public void ComeUp()
    {
        Up = true;
        SetHealth(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    private void SetHealth(HealthCheckResponse.Types.ServingStatus status)
    {
        foreach (var service in ServedServices)
        {
            Health.SetStatus(service, status);
        }
    }
}
