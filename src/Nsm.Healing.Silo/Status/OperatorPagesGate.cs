using System.Net;
using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Telemetry;

namespace Nsm.Healing.Silo.Status;

/// <summary>
/// /status and /dashboard answer only loopback callers unless <see cref="TelemetryOptions.OperatorPagesFromAnywhere"/>
/// is on: the HTTP port listens on every interface for the kubelet's probes, and these pages have no authentication.
/// </summary>
public static class OperatorPagesGate
{
    public static WebApplication UseOperatorPagesGate(this WebApplication app, TelemetryOptions telemetry)
    {
        if (!telemetry.OperatorPagesFromAnywhere)
        {
            app.Use(Gate);
        }

        return app;
    }

    /// <summary>Refuses a remote caller of an operator page with 403 and says which setting opens it.</summary>
    public static async Task Gate(HttpContext context, RequestDelegate next)
    {
        if (IsOperatorPage(context.Request.Path) && !IsLoopback(context.Connection.RemoteIpAddress))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync(
                $"{context.Request.Path} answers only on the silo's loopback (kubectl port-forward); set {TelemetryOptions.Section}:{nameof(TelemetryOptions.OperatorPagesFromAnywhere)}=true to serve it to every caller");
            return;
        }

        await next(context);
    }

    private static bool IsOperatorPage(PathString path) =>
        path.StartsWithSegments(StatusEndpoint.Path, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(Dashboard.Path, StringComparison.OrdinalIgnoreCase);

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
