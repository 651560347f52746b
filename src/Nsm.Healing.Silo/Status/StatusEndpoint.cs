namespace Nsm.Healing.Silo.Status;

/// <summary>GET /status on the HTTP port: the cluster's NSMgrs and connections by phase, as JSON, for operators.</summary>
public static class StatusEndpoint
{
    public const string Path = "/status";

    public static IServiceCollection AddClusterStatus(this IServiceCollection services) =>
        services.AddSingleton<ClusterStatusReader>()
            // Kinds (NSMgr, forwarder, NSE) by name, so a script need not know the enum's numbers.
            .ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

    public static WebApplication MapClusterStatus(this WebApplication app)
    {
        app.MapGet(Path, async (ClusterStatusReader reader, CancellationToken cancellationToken) =>
            TypedResults.Ok(await reader.ReadAsync(cancellationToken)));
        return app;
    }
}
