using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nsm.Simulator.Topology;

/// <summary>Reads the standalone simulator's JSON topology, reporting the offending field on any error.</summary>
public static class TopologyFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // A misspelt field would otherwise be ignored silently and the default used instead.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static SimulatorTopology Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidTopologyException($"config file '{path}' cannot be read: {e.Message}");
        }

        return Parse(json, path);
    }

    public static SimulatorTopology Parse(string json, string source = "config")
    {
        SimulatorTopology? topology;
        try
        {
            topology = JsonSerializer.Deserialize<SimulatorTopology>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidTopologyException($"{source} is invalid at {e.Path ?? "$"}: {e.Message}");
        }

        if (topology is null)
        {
            throw new InvalidTopologyException($"{source} must hold a JSON object with a 'nodes' list");
        }

        TopologyValidator.Validate(topology);
        return topology;
    }
}
