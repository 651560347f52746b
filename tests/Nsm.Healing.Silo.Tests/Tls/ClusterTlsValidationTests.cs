using Nsm.Healing.Cluster.Tls;
using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Tests.Configuration;
using Nsm.Healing.Testing.Tls;

namespace Nsm.Healing.Silo.Tests.Tls;

/// <summary>"Nsm:Cluster:Tls" is checked at start-up: each bad setting is one message naming its key, and never shows a password.</summary>
public sealed class ClusterTlsValidationTests : IDisposable
{
    private const string KeyPassword = "key-pa55word-that-must-not-leak";
    private readonly TestCertificateAuthority _ca = new();

    [Fact]
    public void A_pem_certificate_key_and_ca_are_valid()
    {
        var (certificate, key) = _ca.IssuePem("silo");

        Assert.Empty(Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key, CaCertificate = _ca.CaPath }));
    }

    [Fact]
    public void An_encrypted_pem_key_opens_with_its_password()
    {
        var (certificate, key) = _ca.IssuePem("silo", KeyPassword);

        Assert.Empty(Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key, Password = KeyPassword }));
    }

    [Fact]
    public void A_pkcs12_file_opens_with_its_password()
    {
        var pfx = _ca.IssuePfx("silo", KeyPassword);

        Assert.Empty(Problems(new ClusterTlsOptions { Enabled = true, Certificate = pfx, Password = KeyPassword, CaCertificate = _ca.CaPath }));
    }

    [Fact]
    public void A_silo_needs_a_certificate() => Assert.Equal(
        ["Nsm:Cluster:Tls:Certificate is required when TLS is enabled: a silo presents it to other silos and to clients"],
        Problems(new ClusterTlsOptions { Enabled = true }));

    [Fact]
    public void Missing_files_are_named_with_their_keys()
    {
        var problems = Problems(new ClusterTlsOptions { Enabled = true, Certificate = "/nonexistent/tls.crt", Key = "/nonexistent/tls.key", CaCertificate = "/nonexistent/ca.crt" });

        Assert.Equal(
            [
                "Nsm:Cluster:Tls:Certificate: file '/nonexistent/tls.crt' does not exist",
                "Nsm:Cluster:Tls:CaCertificate: file '/nonexistent/ca.crt' does not exist",
            ],
            problems);
    }

    [Fact]
    public void A_missing_key_file_is_named()
    {
        var (certificate, _) = _ca.IssuePem("silo");

        Assert.Equal(["Nsm:Cluster:Tls:Key: file '/nonexistent/tls.key' does not exist"],
            Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = "/nonexistent/tls.key" }));
    }

    [Fact]
    public void A_key_of_another_certificate_is_refused()
    {
        var (certificate, _) = _ca.IssuePem("silo");
        var (_, otherKey) = _ca.IssuePem("other");

        var problem = Assert.Single(Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = otherKey }));

        Assert.StartsWith($"Nsm:Cluster:Tls:Certificate with Nsm:Cluster:Tls:Key: '{certificate}' and '{otherKey}' are not a PEM certificate and its private key", problem);
    }

    [Fact]
    public void An_encrypted_key_without_a_password_asks_for_one()
    {
        var (certificate, key) = _ca.IssuePem("silo", KeyPassword);

        Assert.Equal([$"Nsm:Cluster:Tls:Key: '{key}' is encrypted: set Nsm:Cluster:Tls:Password"],
            Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key }));
    }

    [Fact]
    public void A_wrong_key_password_is_named_but_not_shown()
    {
        var (certificate, key) = _ca.IssuePem("silo", KeyPassword);

        var problem = Assert.Single(Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key, Password = "wrong-" + KeyPassword }));

        Assert.StartsWith($"Nsm:Cluster:Tls:Key: '{key}' cannot be decrypted with Nsm:Cluster:Tls:Password (wrong password?)", problem);
        Assert.DoesNotContain(KeyPassword, problem);
    }

    [Fact]
    public void A_wrong_pkcs12_password_is_named_but_not_shown()
    {
        var pfx = _ca.IssuePfx("silo", KeyPassword);

        var problem = Assert.Single(Problems(new ClusterTlsOptions { Enabled = true, Certificate = pfx, Password = "wrong-" + KeyPassword }));

        Assert.StartsWith($"Nsm:Cluster:Tls:Certificate: '{pfx}' cannot be opened with Nsm:Cluster:Tls:Password (wrong password?)", problem);
        Assert.DoesNotContain(KeyPassword, problem);
    }

    [Fact]
    public void A_pem_certificate_without_its_key_asks_for_the_key()
    {
        var (certificate, _) = _ca.IssuePem("silo");

        Assert.Equal([$"Nsm:Cluster:Tls:Certificate: '{certificate}' is PEM: set Nsm:Cluster:Tls:Key to its private key file (or give a PKCS#12 .pfx file)"],
            Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate }));
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        var (certificate, key) = _ca.IssuePem("expired", validFor: TimeSpan.FromHours(-1));

        var problem = Assert.Single(Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key }));

        Assert.StartsWith($"Nsm:Cluster:Tls:Certificate: '{certificate}' (CN=expired) is valid only from", problem);
    }

    [Fact]
    public void A_ca_file_must_hold_a_pem_certificate()
    {
        var (certificate, key) = _ca.IssuePem("silo");
        var notPem = _ca.Write("ca.txt", "not a certificate");

        Assert.Equal([$"Nsm:Cluster:Tls:CaCertificate: '{notPem}' holds no PEM certificate"],
            Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key, CaCertificate = notPem }));
    }

    [Fact]
    public void The_target_host_must_be_a_name()
    {
        var (certificate, key) = _ca.IssuePem("silo");

        Assert.Equal(["Nsm:Cluster:Tls:TargetHost must be a DNS name or an IP address (was 'not a host')"],
            Problems(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key, TargetHost = "not a host" }));
    }

    [Fact]
    public void Tls_files_while_tls_is_off_would_silently_run_plain_tcp() => Assert.Equal(
        ["Nsm:Cluster:Tls:Certificate, Key set, but Nsm:Cluster:Tls:Enabled is false: set it to true, or remove the TLS settings"],
        Problems(new ClusterTlsOptions { Certificate = "/etc/tls/tls.crt", Key = "/etc/tls/tls.key" }));

    [Fact]
    public void The_section_binds_from_configuration_and_misspelt_keys_stop_the_silo()
    {
        var (certificate, key) = _ca.IssuePem("silo", KeyPassword);

        var options = SiloConfiguration.Load(Settings.Of(
            ("Nsm:Cluster:Tls:Enabled", "true"), ("Nsm:Cluster:Tls:Certificate", certificate), ("Nsm:Cluster:Tls:Key", key),
            ("Nsm:Cluster:Tls:Password", KeyPassword), ("Nsm:Cluster:Tls:CaCertificate", _ca.CaPath),
            ("Nsm:Cluster:Tls:RequireClientCertificate", "false"), ("Nsm:Cluster:Tls:TargetHost", "nsm-healing-silo")));
        var misspelt = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(("Nsm:Cluster:Tls:Pasword", KeyPassword))));

        Assert.Equal((true, certificate, key, KeyPassword, _ca.CaPath, false, "nsm-healing-silo"),
            (options.Tls.Enabled, options.Tls.Certificate, options.Tls.Key, options.Tls.Password, options.Tls.CaCertificate, options.Tls.RequireClientCertificate, options.Tls.TargetHost));
        Assert.Equal(["Nsm:Cluster:Tls:Pasword is not a setting (misspelt?)"], misspelt.Problems);
    }

    public void Dispose() => _ca.Dispose();

    private static IReadOnlyList<string> Problems(ClusterTlsOptions tls) => SiloOptionsValidator.Problems(new HealingSiloOptions { Tls = tls });
}
