using Nsm.Api;

namespace Nsm.Healing.Requests;

/// <summary>
/// What leaves the silo about a connection (its snapshot: GetState, Watch, and through them the CLI, /status and the
/// dashboard) carries no path token: each one lets its holder act as that hop, and the NSC's own is the silo's client
/// token. Storage keeps them; the silo needs them to restore, refresh and close.
/// </summary>
public static class TokenRedaction
{
    public static Connection? WithoutTokens(Connection? connection)
    {
        if (connection?.Path is null || connection.Path.PathSegments.All(segment => segment.Token.Length == 0))
        {
            return connection;
        }

        var served = connection.Clone();
        foreach (var segment in served.Path.PathSegments)
        {
            segment.Token = string.Empty;
        }

        return served;
    }
}
