using Nsm.Healing.Cli.Cluster;
using Nsm.Healing.Cli.Tests.Support;

namespace Nsm.Healing.Cli.Tests;

/// <summary>The CLI's TLS options and what it prints about the cluster it reaches: the silo's variables set them, and no password is ever shown.</summary>
public sealed class ClusterTlsOptionTests
{
    private const string Password = "cli-secret-9e4d";

    [Fact]
    public async Task Silo_tls_variables_turn_tls_on_and_the_password_comes_only_from_the_environment()
    {
        var connector = new RecordingConnector();
        var run = CliRun.Against(connector, new Dictionary<string, string>
        {
            [ClusterCommandOptions.TlsVariable] = "true",
            [ClusterCommandOptions.TlsCertificateVariable] = "/etc/nsm/tls.crt",
            [ClusterCommandOptions.TlsKeyVariable] = "/etc/nsm/tls.key",
            [ClusterCommandOptions.TlsPasswordVariable] = Password,
            [ClusterCommandOptions.TlsCaVariable] = "/etc/nsm/ca.crt",
        });

        await run.RunAsync("list", "--tls-target-host", "nsm-healing-silo");

        Assert.Equal(new ClusterTlsTarget
        {
            Certificate = "/etc/nsm/tls.crt",
            Key = "/etc/nsm/tls.key",
            Password = Password,
            CaCertificate = "/etc/nsm/ca.crt",
            TargetHost = "nsm-healing-silo",
        }, connector.Target!.Tls);
        Assert.EndsWith("over TLS", connector.Target.Describe());
        Assert.DoesNotContain(Password, connector.Target.ToString());
    }

    [Fact]
    public async Task Tls_is_off_by_default_and_tls_files_without_tls_are_bad_usage()
    {
        var connector = new RecordingConnector();
        await CliRun.Against(connector).RunAsync("list");
        var run = CliRun.Against(new RecordingConnector());

        Assert.Null(connector.Target!.Tls);
        Assert.Equal(ExitCodes.Usage, await run.RunAsync("list", "--tls-ca", "/etc/nsm/ca.crt"));
        Assert.Contains("TLS is off: add --tls", run.Error.ToString());
    }

    [Fact]
    public async Task A_missing_certificate_file_is_bad_usage_naming_the_option()
    {
        var run = CliRun.Against(new OrleansClusterConnector());

        Assert.Equal(ExitCodes.Usage, await run.RunAsync("list", "--tls", "--tls-certificate", "/nonexistent/tls.crt", "--tls-key", "/nonexistent/tls.key"));
        Assert.Contains("--tls-certificate: file '/nonexistent/tls.crt' does not exist", run.Error.ToString());
    }

    [Fact]
    public async Task An_unreachable_redis_is_reported_without_its_password()
    {
        var run = CliRun.Against(new OrleansClusterConnector());

        var exit = await run.RunAsync("list", "--profile", "Redis", "--redis", $"127.0.0.1:1,password={Password},connectTimeout=500", "--connect-timeout", "3s");

        Assert.True(exit == ExitCodes.ClusterUnreachable, run.ToString());
        Assert.Contains("through Redis at 127.0.0.1:1,password=***,connectTimeout=500", run.Error.ToString());
        Assert.DoesNotContain(Password, run.Error.ToString());
    }

    /// <summary>Keeps the target the CLI parsed, then reports the cluster unreachable.</summary>
    private sealed class RecordingConnector : IClusterConnector
    {
        public ClusterTarget? Target { get; private set; }

        public Task<IClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
        {
            Target = target;
            throw new CliException(ExitCodes.ClusterUnreachable, "recorded");
        }
    }
}
