using Microsoft.Extensions.Options;
using Nsm.Healing.Nsmgr;

namespace Nsm.Healing.Tests;

public sealed class NsmgrAddressAllowListTests
{
    private static NsmgrAddressAllowList AllowList(params string[] patterns) =>
        new(Options.Create(new NsmgrClientOptions { AllowedAddresses = patterns }));

    [Fact]
    public void By_default_only_the_nodes_own_nsmgr_socket_is_allowed()
    {
        var allowList = AllowList();

        Assert.True(allowList.Allows("unix:///var/lib/networkservicemesh/nsm.io.sock"));
        Assert.False(allowList.Allows("http://attacker:5001"));
        Assert.False(allowList.Allows("unix:///tmp/other.sock"));
    }

    [Fact]
    public void A_refusal_names_the_address_and_the_settings_that_would_allow_it()
    {
        var error = Assert.Throws<ArgumentException>(() => AllowList().Require("http://attacker:5001"));

        Assert.Contains("'http://attacker:5001'", error.Message);
        Assert.Contains("Nsm:Nsmgr:NodeSocket", error.Message);
        Assert.Contains("Nsm:Nsmgr:AllowedAddresses", error.Message);
    }

    [Theory]
    [InlineData("tcp://10.0.*:5001", "tcp://10.0.3.7:5001", true)]
    [InlineData("tcp://10.0.*:5001", "tcp://10.0.3.7:5002", false)]
    [InlineData("tcp://10.0.*:5001", "http://10.0.3.7:5001", false)]
    [InlineData("http://127.0.0.1:*", "http://127.0.0.1:40123", true)]
    [InlineData("http://127.0.0.1:*", "http://127.0.0.1:40123@attacker:80", false)]
    [InlineData("http://127.0.0.1:*", "HTTP://127.0.0.1:40123", true)]
    [InlineData("unix:///run/nsm/*", "unix:///run/nsm/nsmgr.sock", true)]
    [InlineData("unix:///run/nsm/*", "unix:///run/other/nsmgr.sock", false)]
    public void Patterns_match_where_the_silo_would_dial(string pattern, string address, bool allowed) =>
        Assert.Equal(allowed, AllowList(pattern).Allows(address));

    [Fact]
    public void An_address_that_does_not_parse_is_never_allowed() =>
        Assert.False(AllowList("*").Allows("not an address"));

    [Theory]
    [InlineData("", "Nsm:Nsmgr:AllowedAddresses:0 must start with http://, https://, tcp:// or unix:// (was '')")]
    [InlineData("10.0.0.1:5001", "Nsm:Nsmgr:AllowedAddresses:0 must start with http://, https://, tcp:// or unix:// (was '10.0.0.1:5001')")]
    public void A_pattern_without_a_scheme_is_refused_at_start_up_naming_its_key(string pattern, string problem) =>
        Assert.Equal([problem], new NsmgrClientOptions { AllowedAddresses = [pattern] }.Problems());

    [Fact]
    public void A_node_socket_that_is_not_a_unix_address_is_refused_naming_the_key() =>
        Assert.Equal(["Nsm:Nsmgr:NodeSocket must be a unix:///path address (was 'http://127.0.0.1:5001')"],
            new NsmgrClientOptions { NodeSocket = "http://127.0.0.1:5001" }.Problems());
}
