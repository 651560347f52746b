using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Testing.Tls;

namespace Nsm.Healing.Silo.Tests.Configuration;

public sealed class SiloOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(SiloOptionsValidator.Problems(new HealingSiloOptions()));

    [Fact]
    public void A_valid_redis_silo_has_no_problems() => Assert.Empty(SiloOptionsValidator.Problems(Redis()));

    [Theory]
    [InlineData(nameof(HealingSiloOptions.SiloPort), 0)]
    [InlineData(nameof(HealingSiloOptions.GatewayPort), 65536)]
    [InlineData(nameof(HealingSiloOptions.HttpPort), -1)]
    public void Ports_must_be_ports(string name, int port)
    {
        var options = new HealingSiloOptions();
        typeof(HealingSiloOptions).GetProperty(name)!.SetValue(options, port);

        Assert.Contains($"Nsm:Cluster:{name} must be between 1 and 65535 (was {port})", SiloOptionsValidator.Problems(options));
    }

    [Fact]
    public void The_three_ports_must_differ() => Assert.Equal(
        ["Nsm:Cluster:SiloPort, GatewayPort and HttpPort must differ (were 11111, 11111, 8080)"],
        SiloOptionsValidator.Problems(new HealingSiloOptions { GatewayPort = 11111 }));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::1")]
    public void The_http_bind_address_may_be_any_ip_address(string address) =>
        Assert.Empty(SiloOptionsValidator.Problems(new HealingSiloOptions { HttpBindAddress = address }));

    [Theory]
    [InlineData("localhost")]
    [InlineData("*")]
    [InlineData("http://0.0.0.0")]
    public void The_http_bind_address_must_be_an_ip_address(string address) => Assert.Equal(
        [$"Nsm:Cluster:HttpBindAddress must be an IP address to listen on, e.g. 127.0.0.1, 0.0.0.0 or :: (was '{address}')"],
        SiloOptionsValidator.Problems(new HealingSiloOptions { HttpBindAddress = address }));

    [Fact]
    public void Ids_must_not_be_empty() => Assert.Equal(
        ["Nsm:Cluster:ClusterId must not be empty", "Nsm:Cluster:ServiceId must not be empty"],
        SiloOptionsValidator.Problems(new HealingSiloOptions { ClusterId = " ", ServiceId = "" }));

    [Fact]
    public void Development_is_always_loopback_and_needs_an_ip_and_port_for_its_primary()
    {
        var problems = SiloOptionsValidator.Problems(new HealingSiloOptions { AdvertisedAddress = "10.0.0.1", PrimarySiloEndpoint = "localhost" });

        Assert.Equal(
            [
                "Nsm:Cluster:AdvertisedAddress applies to the Redis profile only; the Development profile always uses loopback",
                "Nsm:Cluster:PrimarySiloEndpoint must be ip:port, e.g. 127.0.0.1:11111 (was 'localhost')",
            ],
            problems);
    }

    [Fact]
    public void Development_accepts_another_silo_as_its_primary() =>
        Assert.Empty(SiloOptionsValidator.Problems(new HealingSiloOptions { PrimarySiloEndpoint = "127.0.0.1:11111", SiloPort = 11112, GatewayPort = 30001, HttpPort = 8081 }));

    [Fact]
    public void Redis_finds_silos_through_redis_not_a_primary()
    {
        var options = Redis();
        options.PrimarySiloEndpoint = "127.0.0.1:11111";

        Assert.Equal(["Nsm:Cluster:PrimarySiloEndpoint applies to the Development profile only; the Redis profile finds silos through Redis"], SiloOptionsValidator.Problems(options));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("silo-0.silos.nsm-healing.svc")]
    public void Redis_advertises_an_ip_or_a_host_name(string address)
    {
        var options = Redis();
        options.AdvertisedAddress = address;

        Assert.Empty(SiloOptionsValidator.Problems(options));
    }

    [Fact]
    public void An_advertised_address_that_is_neither_is_refused()
    {
        var options = Redis();
        options.AdvertisedAddress = "not an address";

        Assert.Equal(["Nsm:Cluster:AdvertisedAddress must be an IP address or a host name (was 'not an address')"], SiloOptionsValidator.Problems(options));
    }

    [Theory]
    [InlineData("host:6379,unknownOption=1", "Nsm:Cluster:Redis:ConnectionString is not a valid Redis connection string: ")]
    [InlineData("password=secret", "Nsm:Cluster:Redis:ConnectionString is not a valid Redis connection string: it names no host:port")]
    public void A_connection_string_redis_cannot_use_is_refused(string connectionString, string problem)
    {
        var options = Redis();
        options.Redis.ConnectionString = connectionString;

        Assert.StartsWith(problem, Assert.Single(SiloOptionsValidator.Problems(options)));
    }

    [Fact]
    public void Tls_files_must_exist_and_a_client_certificate_needs_its_key()
    {
        var options = Redis();
        options.Redis.CaCertificate = "/nonexistent/ca.crt";
        options.Redis.ClientCertificate = "/nonexistent/client.crt";

        Assert.Equal(
            [
                "Nsm:Cluster:Redis:CaCertificate: file '/nonexistent/ca.crt' does not exist",
                "Nsm:Cluster:Redis:ClientCertificate and ClientKey go together: set both for mutual TLS, or neither",
            ],
            SiloOptionsValidator.Problems(options));
    }

    [Fact]
    public void Tls_files_must_hold_certificates()
    {
        using var files = new TestCertificateAuthority();
        var options = Redis();
        options.Redis.CaCertificate = files.Write("ca.crt", "not a certificate");
        options.Redis.ClientCertificate = files.Write("client.crt", "not a certificate");
        options.Redis.ClientKey = files.Write("client.key", "not a key");

        var problems = SiloOptionsValidator.Problems(options);

        Assert.Collection(problems,
            problem => Assert.StartsWith($"Nsm:Cluster:Redis:CaCertificate: '{options.Redis.CaCertificate}' is not a usable PEM certificate", problem),
            problem => Assert.StartsWith($"Nsm:Cluster:Redis:ClientCertificate with ClientKey: '{options.Redis.ClientCertificate}' is not a usable PEM certificate", problem));
    }

    [Fact]
    public void Pem_certificates_are_accepted()
    {
        using var ca = new TestCertificateAuthority();
        var (certificate, key) = ca.IssuePem("client");
        var options = Redis();
        options.Redis.CaCertificate = ca.CaPath;
        options.Redis.ClientCertificate = certificate;
        options.Redis.ClientKey = key;

        Assert.Empty(SiloOptionsValidator.Problems(options));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public void The_redis_connect_timeout_is_bounded(int seconds)
    {
        var options = Redis();
        options.Redis.ConnectTimeout = TimeSpan.FromSeconds(seconds);

        Assert.StartsWith("Nsm:Cluster:Redis:ConnectTimeout must be positive and at most 5 minutes", Assert.Single(SiloOptionsValidator.Problems(options)));
    }

    [Fact]
    public void Death_votes_must_outlive_the_probes_that_cast_them()
    {
        var options = new HealingSiloOptions();
        options.FailureDetection.ProbeTimeout = TimeSpan.FromSeconds(5);
        options.FailureDetection.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(15);

        Assert.Equal(
            ["Nsm:Cluster:FailureDetection:DeathVoteExpirationTimeout must be longer than ProbeTimeout × MissedProbesLimit (00:00:15) (was 00:00:15)"],
            SiloOptionsValidator.Problems(options));
    }

    [Fact]
    public void Failure_detection_counts_and_periods_must_be_positive()
    {
        var options = new HealingSiloOptions();
        var detection = options.FailureDetection;
        (detection.MissedProbesLimit, detection.VotesForDeathDeclaration, detection.MissedIAmAliveLimit) = (0, 0, 0);
        (detection.TableRefreshTimeout, detection.IAmAlivePublishPeriod) = (TimeSpan.Zero, TimeSpan.Zero);

        Assert.Equal(
            [
                "Nsm:Cluster:FailureDetection:MissedProbesLimit must be at least 1 (was 0)",
                "Nsm:Cluster:FailureDetection:VotesForDeathDeclaration must be at least 1 (was 0)",
                "Nsm:Cluster:FailureDetection:TableRefreshTimeout must be positive (was 00:00:00)",
                "Nsm:Cluster:FailureDetection:IAmAlivePublishPeriod must be positive (was 00:00:00)",
                "Nsm:Cluster:FailureDetection:MissedIAmAliveLimit must be at least 1 (was 0)",
            ],
            SiloOptionsValidator.Problems(options));
    }

    private static HealingSiloOptions Redis() => new()
    {
        Profile = ClusterProfile.Redis,
        Redis = new RedisConnectionOptions { ConnectionString = "redis-0.redis:6379,password=secret,ssl=true" },
    };
}
