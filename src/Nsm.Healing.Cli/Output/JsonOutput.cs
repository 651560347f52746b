using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nsm.Healing.Cli.Output;

/// <summary>`--json`: camelCase properties, enums by name, one document per call (one per line for streams).</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = Create(indented: true);
    private static readonly JsonSerializerOptions Compact = Create(indented: false);

    public static void Write<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>One JSON document on one line, for streams a script reads line by line (watch).</summary>
    public static void WriteLine<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, Compact));

    private static JsonSerializerOptions Create(bool indented) => new(JsonSerializerDefaults.Web)
    {
        WriteIndented = indented,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
