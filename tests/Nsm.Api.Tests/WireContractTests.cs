using Google.Protobuf.Reflection;

namespace Nsm.Api.Tests;

/// <summary>
/// Checks the C# generated from protos/ against the wire tables: a changed field number, type,
/// label, name or method path breaks wire compatibility with real NSM managers, so it must fail here.
/// </summary>
public sealed class WireContractTests
{
    private static readonly FileDescriptor[] GeneratedFiles =
    [
        ConnectioncontextReflection.Descriptor,
        ConnectionReflection.Descriptor,
        NetworkserviceReflection.Descriptor,
    ];

    [Fact]
    public void Files_have_the_upstream_packages_and_imports()
    {
        var actual = GeneratedFiles.Select(f =>
            $"{f.Name}|{f.Package}|{f.ToProto().Syntax}|{string.Join(",", f.Dependencies.Select(d => d.Name))}");

        AssertSameRows(WireContract.Files, actual);
    }

    [Fact]
    public void Every_message_field_matches_the_wire_table()
    {
        var actual = GeneratedFiles
            .SelectMany(f => AllMessages(f.MessageTypes))
            .Where(m => m.GetOptions()?.MapEntry != true)
            .SelectMany(m => m.Fields.InFieldNumberOrder().Select(field =>
                $"{m.FullName}|{field.FieldNumber}|{field.Name}|{Describe(field)}"));

        AssertSameRows(WireContract.Fields, actual);
    }

    [Fact]
    public void Every_enum_value_matches_the_wire_table()
    {
        var enums = GeneratedFiles.SelectMany(f =>
            f.EnumTypes.Concat(AllMessages(f.MessageTypes).SelectMany(m => m.EnumTypes)));
        var actual = enums.SelectMany(e => e.Values.Select(v => $"{e.FullName}|{v.Number}|{v.Name}"));

        AssertSameRows(WireContract.EnumValues, actual);
    }

    [Fact]
    public void Every_method_has_the_upstream_path_types_and_streaming()
    {
        var actual = GeneratedFiles.SelectMany(f => f.Services).SelectMany(s => s.Methods.Select(m =>
            $"/{s.FullName}/{m.Name}|{m.InputType.FullName}|{m.OutputType.FullName}|{Streaming(m)}"));

        AssertSameRows(WireContract.Methods, actual);
    }

    [Fact]
    public void Generated_client_calls_the_upstream_method_paths()
    {
        // The descriptor test above checks the schema; this checks the strings the generated stubs put on the wire.
        var paths = new[]
        {
            MethodPath(typeof(MonitorConnection), "MonitorConnections"),
            MethodPath(typeof(NetworkService), "Request"),
            MethodPath(typeof(NetworkService), "Close"),
        };

        Assert.Equal(
            ["/connection.MonitorConnection/MonitorConnections", "/networkservice.NetworkService/Request", "/networkservice.NetworkService/Close"],
            paths);
    }

    private static string MethodPath(Type serviceClass, string methodName)
    {
        var field = serviceClass.GetField($"__Method_{methodName}",
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            ?? throw new InvalidOperationException($"{serviceClass.Name} has no generated method {methodName}");
        return ((Grpc.Core.IMethod)field.GetValue(null)!).FullName;
    }

    private static IEnumerable<MessageDescriptor> AllMessages(IEnumerable<MessageDescriptor> messages) =>
        messages.SelectMany(m => new[] { m }.Concat(AllMessages(m.NestedTypes)));

    private static string Describe(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            var entry = field.MessageType;
            return $"map<{ScalarOrTypeName(entry.FindFieldByNumber(1))}, {ScalarOrTypeName(entry.FindFieldByNumber(2))}>";
        }

        var type = ScalarOrTypeName(field);
        return field.IsRepeated ? $"repeated {type}" : type;
    }

    private static string ScalarOrTypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => field.MessageType.FullName,
        FieldType.Enum => field.EnumType.FullName,
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };

    private static string Streaming(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => "unary",
        (false, true) => "server-streaming",
        (true, false) => "client-streaming",
        (true, true) => "bidi-streaming",
    };

    private static void AssertSameRows(IEnumerable<string> expected, IEnumerable<string> actual)
    {
        var expectedSet = expected.ToHashSet(StringComparer.Ordinal);
        var actualSet = actual.ToHashSet(StringComparer.Ordinal);
        var missing = expectedSet.Except(actualSet).Order().ToList();
        var unexpected = actualSet.Except(expectedSet).Order().ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"Wire contract drift.\nIn the table but not generated:\n  {string.Join("\n  ", missing)}\nGenerated but not in the table:\n  {string.Join("\n  ", unexpected)}");
    }
}
