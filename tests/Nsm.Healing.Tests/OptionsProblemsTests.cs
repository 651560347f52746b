using Nsm.Healing.Hosting;
using Nsm.Healing.Identity;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Nsmgr;

namespace Nsm.Healing.Tests;

/// <summary>Every options class reports every broken rule at once, each message starting with the key an operator types.</summary>
public sealed class OptionsProblemsTests
{
    [Fact]
    public void The_defaults_break_no_rule()
    {
        Assert.Empty(new NsmgrClientOptions().Problems());
        Assert.Empty(new MonitorOptions().Problems());
        Assert.Empty(new ConnectionGrainOptions().Problems());
        Assert.Empty(new IdentityOptions { Source = IdentitySource.None }.Problems(_ => null));
    }

    [Fact]
    public void Nsmgr_options_report_every_bad_setting_by_its_key()
    {
        var options = new NsmgrClientOptions
        {
            DialTimeout = TimeSpan.Zero,
            MaxOpenChannels = 0,
            AllowedAddresses = ["tcp://10.0.0.1:5001", "10.0.0.2:5001", "nsmgr-3"],
        };

        Assert.Equal(
        [
            "Nsm:Nsmgr:DialTimeout must be positive (was 00:00:00)",
            "Nsm:Nsmgr:MaxOpenChannels must be at least 1 (was 0)",
            "Nsm:Nsmgr:AllowedAddresses:1 must start with http://, https://, tcp:// or unix:// (was '10.0.0.2:5001')",
            "Nsm:Nsmgr:AllowedAddresses:2 must start with http://, https://, tcp:// or unix:// (was 'nsmgr-3')",
        ], options.Problems());
    }

    [Fact]
    public void Monitor_options_report_every_bad_setting_by_its_key()
    {
        var problems = new MonitorOptions { BatchSize = 0, QueueCapacity = -1, SweepInterval = TimeSpan.Zero }.Problems();

        Assert.Equal(
        [
            "Nsm:Monitor:QueueCapacity must be at least 1 (was -1)",
            "Nsm:Monitor:BatchSize must be at least 1 (was 0)",
            "Nsm:Monitor:SweepInterval must be positive (was 00:00:00)",
        ], problems);
    }

    [Fact]
    public void Identity_from_files_names_every_file_setting_missing()
    {
        var problems = new IdentityOptions { Source = IdentitySource.Files, MaxTokenLifetime = TimeSpan.Zero }.Problems(_ => null);

        Assert.Equal(
        [
            "Nsm:Identity:MaxTokenLifetime must be positive (was 00:00:00)",
            "Nsm:Identity:CertificatePath must be set when Nsm:Identity:Source is Files",
            "Nsm:Identity:KeyPath must be set when Nsm:Identity:Source is Files",
            "Nsm:Identity:BundlePath must be set when Nsm:Identity:Source is Files",
        ], problems);
    }

    [Fact]
    public void A_workload_api_socket_nowhere_configured_is_named_once()
    {
        var problem = Assert.Single(new IdentityOptions().Problems(_ => null));

        Assert.StartsWith("Nsm:Identity:WorkloadApiSocket is not set and neither is SPIFFE_ENDPOINT_SOCKET", problem);
    }

    [Fact]
    public void A_connections_backstop_period_that_is_not_positive_is_named()
    {
        Assert.Equal(["Nsm:Connections:BackstopReminderPeriod must be positive (was 00:00:00)"],
            new ConnectionGrainOptions { BackstopReminderPeriod = TimeSpan.Zero }.Problems());
    }

    [Fact]
    public void A_heal_policy_names_every_field_that_breaks_its_rule()
    {
        var policy = HealPolicy.Default with { MaxAttempts = -1, RefreshFraction = 1.5 };

        var error = Assert.Throws<ArgumentException>(() => policy.Validate());

        Assert.StartsWith("Invalid heal policy: MaxAttempts must be 0 (no limit) or positive (was -1); RefreshFraction must be between 0 and 1", error.Message);
    }
}
