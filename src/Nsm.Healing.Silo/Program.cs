using Microsoft.Extensions.Options;
using Nsm.Healing.Custody;
using Nsm.Healing.Hosting;
using Nsm.Healing.Identity;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Nsmgr;
using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Health;
using Nsm.Healing.Silo.Hosting;
using Nsm.Healing.Silo.Logging;
using Nsm.Healing.Silo.Status;
using Nsm.Healing.Silo.Telemetry;

// The healing silo: one Orleans silo of the healing cluster, with health endpoints for Kubernetes, a status
// endpoint and the Orleans dashboard for operators, and OTLP export of metrics and traces when configured.
// Exit codes: 0 stopped (SIGTERM), 1 Redis unreachable at start-up, 2 invalid configuration, 3 a port is taken.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Options: bound and checked before anything starts, so bad settings stop the silo with a message naming each key.
HealingSiloOptions options;
try
{
    options = SiloConfiguration.Load(builder.Configuration);
}
catch (InvalidSiloConfigurationException e)
{
    Console.Error.WriteLine($"nsm-healing-silo: invalid configuration:{string.Concat(e.Problems.Select(problem => $"\n  - {problem}"))}");
    return 2;
}

// Before Orleans and Kestrel bind: a port another process holds stops the silo here, naming the key.
if (PortsInUse.Find(options) is { Count: > 0 } taken)
{
    Console.Error.WriteLine($"nsm-healing-silo: cannot start, a port is taken:{string.Concat(taken.Select(problem => $"\n  - {problem}"))}");
    return 3;
}

builder.WebHost.ConfigureKestrel(kestrel =>
{
    if (SiloListenAddresses.Http(options) is { } address)
    {
        kestrel.Listen(address, options.HttpPort);
    }
    else
    {
        kestrel.ListenAnyIP(options.HttpPort);
    }
});
builder.Services.Configure<HostOptions>(host =>
{
    // SIGTERM stops the host, and Orleans leaves the cluster gracefully within this time.
    host.ShutdownTimeout = options.ShutdownTimeout;
    // The health endpoints answer while the silo is still joining, instead of after it.
    host.ServicesStartConcurrently = true;
});

builder.UseOrleans(silo => silo
    .UseClusterProfile(options)
    .UseFailureDetection(options.FailureDetection)
    .UseKubernetesHostingInPods(options)
    .UseClusterTls(options.Tls)
    .AddNsmHealing(
        nsmgr => builder.Configuration.GetSection(NsmgrClientOptions.Section).Bind(nsmgr),
        connections => builder.Configuration.GetSection(ConnectionGrainOptions.Section).Bind(connections),
        monitor => builder.Configuration.GetSection(MonitorOptions.Section).Bind(monitor),
        identity => builder.Configuration.GetSection(IdentityOptions.Section).Bind(identity),
        configureNode: node => node.NodeName = options.NodeName)
    .AllowBackstopReminderPeriod()
    .UseTelemetryExport(options.Telemetry, options.ClusterId)
    .UseDashboard(options.Telemetry));
builder.Services.Configure<CustodyOptions>(builder.Configuration.GetSection(CustodyOptions.Section));
builder.Services.AddSiloHealthChecks();
builder.Services.AddClusterStatus();

var app = builder.Build();
app.UseOperatorPagesGate(options.Telemetry);
app.MapSiloHealthEndpoints();
app.MapClusterStatus();
app.MapDashboard(options.Telemetry);

SiloLog.SiloStarting(app.Logger, options.ClusterId, options.ServiceId, options.Profile.ToString(), options.SiloPort, options.GatewayPort, options.HttpPort);
if (options.Tls.Enabled)
{
    SiloLog.ClusterTlsEnabled(app.Logger, options.Tls.Certificate!, options.Tls.CaCertificate ?? "the system trust store",
        options.Tls.RequireClientCertificate ? "required" : "optional");
}

if (KubernetesHostingSiloBuilderExtensions.Applies(options.KubernetesHosting, Environment.GetEnvironmentVariable(KubernetesHostingSiloBuilderExtensions.InClusterVariable)))
{
    SiloLog.KubernetesHosting(app.Logger);
}

if (options.Profile == ClusterProfile.Development)
{
    SiloLog.StateNotDurable(app.Logger);
    if (options.Redis.ConnectionString is not null)
    {
        SiloLog.RedisSettingIgnored(app.Logger, options.Redis.ConnectionStringSource);
    }
}

try
{
    await app.RunAsync();
    return 0;
}
catch (RedisUnreachableException e)
{
    SiloLog.RedisUnreachable(app.Logger, e.Message);
    return 1;
}
catch (Exception e) when (OptionsFailures.Of(e) is { Count: > 0 } failures)
{
    // Several options classes failing at once arrive as an AggregateException: still one message, never a stack trace.
    SiloLog.InvalidOptions(app.Logger, string.Join("; ", failures));
    return 2;
}
