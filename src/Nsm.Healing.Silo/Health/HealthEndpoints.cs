using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nsm.Healing.Silo.Health;

/// <summary>The Kubernetes probe endpoints: 200 when the answer is yes, 503 when it is no, and why in the body.</summary>
public static class HealthEndpoints
{
    /// <summary>Liveness: the process answers. Runs no check, so a silo that is slow to join is not restarted for it.</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>Readiness: the silo is Active in the cluster.</summary>
    public const string ReadyPath = "/healthz/ready";

    private const string ReadyTag = "ready";

    public static IServiceCollection AddSiloHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo-active", tags: [ReadyTag]);
        return services;
    }

    public static WebApplication MapSiloHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteStatusAndReason });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteStatusAndReason });
        return app;
    }

    /// <summary>"Unhealthy: silo S10.0.0.5:11111:… is Joining": the kubelet puts the body in its probe-failure event.</summary>
    private static Task WriteStatusAndReason(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = report.Entries.Values.Select(entry => entry.Description).OfType<string>();
        return context.Response.WriteAsync(string.Join(": ", [report.Status.ToString(), .. reasons]));
    }
}
