using Nsm.Api;

namespace Nsm.Simulator.Tests.Support;

internal static class Paths
{
    public static string[] Names(Connection connection) => [.. connection.Path.PathSegments.Select(s => s.Name)];

    public static string[] Ids(Connection connection) => [.. connection.Path.PathSegments.Select(s => s.Id)];

    /// <summary>The map key an NSMgr at <paramref name="index"/> uses for this connection: its own segment id.</summary>
    public static string KeyAt(Connection connection, int index) => connection.Path.PathSegments[index].Id;
}
