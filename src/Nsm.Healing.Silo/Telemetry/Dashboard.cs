using Nsm.Healing.Silo.Configuration;
using Orleans.Dashboard;

namespace Nsm.Healing.Silo.Telemetry;

/// <summary>The Orleans dashboard (grains, silos, calls, reminders) under /dashboard on the HTTP port, unless switched off.</summary>
public static class Dashboard
{
    public const string Path = "/dashboard";

    public static ISiloBuilder UseDashboard(this ISiloBuilder silo, TelemetryOptions telemetry) =>
        telemetry.Dashboard ? silo.AddDashboard() : silo;

    public static WebApplication MapDashboard(this WebApplication app, TelemetryOptions telemetry)
    {
        if (telemetry.Dashboard)
        {
            app.MapOrleansDashboard(Path);
        }

        return app;
    }
}
