using Microsoft.Extensions.Options;
using Nsm.Healing.Silo.Configuration;

namespace Nsm.Healing.Silo.Tests.Configuration;

public sealed class SiloConfigurationTests
{
    [Fact]
    public void Nothing_configured_is_a_development_silo_with_the_documented_defaults()
    {
        var options = SiloConfiguration.Load(Settings.Of());

        Assert.Equal(ClusterProfile.Development, options.Profile);
        Assert.Equal(("nsm-healing", "nsm-healing"), (options.ClusterId, options.ServiceId));
        Assert.Equal((11111, 30000, 8080), (options.SiloPort, options.GatewayPort, options.HttpPort));
        Assert.Null(options.PrimarySiloEndpoint);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Redis.ConnectTimeout);
        var detection = options.FailureDetection;
        Assert.Equal(TimeSpan.FromSeconds(1), detection.ProbeTimeout);
        Assert.Equal((3, 2, 3), (detection.MissedProbesLimit, detection.VotesForDeathDeclaration, detection.MissedIAmAliveLimit));
        Assert.Equal(TimeSpan.FromSeconds(20), detection.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), detection.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), detection.IAmAlivePublishPeriod);
    }

    [Fact]
    public void The_redis_profile_takes_its_connection_string_from_connection_strings_redis_when_its_own_key_is_empty()
    {
        var options = SiloConfiguration.Load(Settings.Of(("Nsm:Cluster:Profile", "redis"), ("ConnectionStrings:redis", "redis-0.redis:6379,password=p")));

        Assert.Equal(ClusterProfile.Redis, options.Profile);
        Assert.Equal("redis-0.redis:6379,password=p", options.Redis.ConnectionString);
        Assert.Equal("ConnectionStrings:redis", options.Redis.ConnectionStringSource);
    }

    [Fact]
    public void Its_own_key_wins_over_connection_strings_redis()
    {
        var options = SiloConfiguration.Load(Settings.Of(
            ("Nsm:Cluster:Profile", "Redis"), ("Nsm:Cluster:Redis:ConnectionString", "a:6379"), ("ConnectionStrings:redis", "b:6379")));

        Assert.Equal(("a:6379", "Nsm:Cluster:Redis:ConnectionString"), (options.Redis.ConnectionString, options.Redis.ConnectionStringSource));
    }

    [Fact]
    public void Bad_settings_of_every_section_are_reported_together_each_by_the_key_typed()
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(
            ("Nsm:Cluster:SiloPort", "0"),
            ("Nsm:Nsmgr:AllowedAddresses:0", "10.0.0.1:5001"),
            ("Nsm:Nsmgr:DialTimeout", "00:00:00"),
            ("Nsm:Monitor:BatchSize", "0"),
            ("Nsm:Connections:BackstopReminderPeriod", "-00:01:00"))));

        Assert.Equal(
        [
            "Nsm:Nsmgr:DialTimeout must be positive (was 00:00:00)",
            "Nsm:Nsmgr:AllowedAddresses:0 must start with http://, https://, tcp:// or unix:// (was '10.0.0.1:5001')",
            "Nsm:Connections:BackstopReminderPeriod must be positive (was -00:01:00)",
            "Nsm:Monitor:BatchSize must be at least 1 (was 0)",
            "Nsm:Cluster:SiloPort must be between 1 and 65535 (was 0)",
        ], error.Problems);
    }

    [Fact]
    public void Options_failures_gathered_from_several_options_classes_are_one_list()
    {
        var gathered = new AggregateException(
            new OptionsValidationException("nsmgr", typeof(object), ["Nsm:Nsmgr:DialTimeout must be positive (was 00:00:00)"]),
            new OptionsValidationException("monitor", typeof(object), ["Nsm:Monitor:BatchSize must be at least 1 (was 0)", "Nsm:Monitor:SweepInterval must be positive (was 00:00:00)"]));

        Assert.Equal(
            ["Nsm:Nsmgr:DialTimeout must be positive (was 00:00:00)", "Nsm:Monitor:BatchSize must be at least 1 (was 0)", "Nsm:Monitor:SweepInterval must be positive (was 00:00:00)"],
            OptionsFailures.Of(gathered));
        Assert.Empty(OptionsFailures.Of(new AggregateException(new InvalidOperationException("not an options problem"))));
    }

    [Theory]
    [InlineData("Bogus")]
    [InlineData("1")]
    public void An_unknown_profile_names_the_profiles_there_are(string profile)
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(("Nsm:Cluster:Profile", profile))));

        Assert.Equal($"Nsm:Cluster:Profile must be one of Development, Redis (was '{profile}')", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_misspelt_key_is_an_error_at_any_depth_not_a_silent_default()
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(
            ("Nsm:Cluster:SiloPrt", "1"), ("Nsm:Cluster:FailureDetection:ProbeTimout", "00:00:02"))));

        Assert.Equal(
            ["Nsm:Cluster:FailureDetection:ProbeTimout is not a setting (misspelt?)", "Nsm:Cluster:SiloPrt is not a setting (misspelt?)"],
            error.Problems.Order());
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_its_key()
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(("Nsm:Cluster:SiloPort", "eleven"))));

        Assert.Contains("'Nsm:Cluster:SiloPort'", Assert.Single(error.Problems));
    }

    [Theory]
    [InlineData("Nsm:Connections:BackstopReminderPeriod")]
    [InlineData("Nsm:Nsmgr:DialTimeout")]
    [InlineData("Nsm:Monitor:ResyncInterval")]
    public void Healing_settings_that_do_not_convert_stop_the_silo_too(string key)
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of((key, "soon"))));

        Assert.Contains($"'{key}'", Assert.Single(error.Problems));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(
            ("Nsm:Cluster:Profile", "Redis"), ("Nsm:Cluster:HttpPort", "0"), ("Nsm:Cluster:ShutdownTimout", "00:00:10"))));

        Assert.Equal(
            [
                "Nsm:Cluster:ShutdownTimout is not a setting (misspelt?)",
                "Nsm:Cluster:HttpPort must be between 1 and 65535 (was 0)",
                "Nsm:Cluster:Redis:ConnectionString (or ConnectionStrings:redis) is required by the Redis profile",
            ],
            error.Problems);
    }
}
