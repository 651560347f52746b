using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Nsm.Api;
using Nsm.Healing.Decisions;
using Nsm.Healing.Monitoring;
using Orleans.Serialization;

namespace Nsm.Healing.Benchmarks;

/// <summary>The hot pure code of a heal: the decision, the monitor event translation, and a grain call's protobuf payload.</summary>
[MemoryDiagnoser]
public class MicroBenchmarks
{
    private readonly HealSituation _up = new(ConnectionPhase.Up, null, DataPlaneVerdict.Unknown, HealPolicy.Default);
    private ConnectionEvent _oneDown = null!;
    private ConnectionEvent _batchDown = null!;
    private ConnectionRequest _request = null!;
    private byte[] _requestBytes = null!;
    private Serializer _serializer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _oneDown = DownEvent(1);
        _batchDown = DownEvent(512);
        var request = NsmWire.NewRequest("bench-conn", withPath: true);
        _request = new ConnectionRequest { NsmgrAddress = "http://127.0.0.1:5001", Request = request, ClientName = "nsc-bench" };
        _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        _requestBytes = _serializer.SerializeToArray(_request);
    }

    [Benchmark(Description = "HealDecider.Decide (UPDATE DOWN, Up, data plane unknown)")]
    public HealDecision Decide() => HealDecider.Decide(HealTrigger.ConnectionDown, in _up);

    [Benchmark(Description = "MonitorEventTranslator.Translate (1 connection)")]
    public int TranslateOne() => MonitorEventTranslator.Translate(_oneDown).Events.Count;

    [Benchmark(Description = "MonitorEventTranslator.Translate (512 connections, one batch)")]
    public int TranslateBatch() => MonitorEventTranslator.Translate(_batchDown).Events.Count;

    [Benchmark(Description = "Orleans serialize ConnectionRequest (protobuf surrogate)")]
    public byte[] Serialize() => _serializer.SerializeToArray(_request);

    [Benchmark(Description = "Orleans deserialize ConnectionRequest (protobuf surrogate)")]
    public ConnectionRequest Deserialize() => _serializer.Deserialize<ConnectionRequest>(_requestBytes)!;

    private static ConnectionEvent DownEvent(int connections)
    {
        var connectionEvent = new ConnectionEvent { Type = ConnectionEventType.Update };
        for (var i = 0; i < connections; i++)
        {
            var id = $"conn-{i}";
            connectionEvent.Connections[$"nsmgr-seg-{i}"] = new Connection
            {
                Id = $"nsmgr-seg-{i}",
                NetworkService = "ns-1",
                State = State.Down,
                Path = new Api.Path { Index = 1, PathSegments = { new PathSegment { Name = "nsc", Id = id }, new PathSegment { Name = "nsmgr-1", Id = $"nsmgr-seg-{i}" } } },
            };
        }

        return connectionEvent;
    }
}
