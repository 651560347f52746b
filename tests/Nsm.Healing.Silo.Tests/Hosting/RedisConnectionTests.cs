using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Hosting;
using Nsm.Healing.Silo.Tests.Configuration;
using Nsm.Healing.Testing.Tls;

namespace Nsm.Healing.Silo.Tests.Hosting;

/// <summary>The client configuration the silo derives; the TLS handshake itself is tested against a real redis-server (durability tests).</summary>
public sealed class RedisConnectionTests
{
    [Fact]
    public void The_client_fails_its_first_connect_within_the_timeout_instead_of_retrying_forever()
    {
        var configuration = RedisConnection.Configure(new RedisConnectionOptions
        {
            ConnectionString = "redis-0.redis:6379,password=secret,abortConnect=false",
            ConnectTimeout = TimeSpan.FromSeconds(3),
        });

        Assert.True(configuration.AbortOnConnectFail);
        Assert.Equal(1, configuration.ConnectRetry);
        Assert.Equal(3000, configuration.ConnectTimeout);
        Assert.Equal("nsm-healing-silo", configuration.ClientName);
        Assert.Equal("secret", configuration.Password);
    }

    [Fact]
    public void The_endpoints_are_shown_without_the_password()
    {
        var connection = new RedisConnection(new RedisConnectionOptions { ConnectionString = "a:6379,b:6380,password=secret" });

        Assert.DoesNotContain("secret", connection.Endpoints);
        Assert.Contains("a:6379", connection.Endpoints);
        Assert.Contains("b:6380", connection.Endpoints);
    }

    [Fact]
    public void Tls_material_is_loaded_from_its_files()
    {
        using var ca = new TestCertificateAuthority();
        var (certificate, key) = ca.IssuePem("client");

        var configuration = RedisConnection.Configure(new RedisConnectionOptions
        {
            ConnectionString = "redis-0.redis:6379,ssl=true",
            CaCertificate = ca.CaPath,
            ClientCertificate = certificate,
            ClientKey = key,
        });

        Assert.True(configuration.Ssl);
    }
}
