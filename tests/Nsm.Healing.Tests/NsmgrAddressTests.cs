namespace Nsm.Healing.Tests;

public sealed class NsmgrAddressTests
{
    [Theory]
    [InlineData("http://nsmgr-1:5001", "http://nsmgr-1:5001/")]
    [InlineData("https://nsmgr-1:5001", "https://nsmgr-1:5001/")]
    [InlineData("tcp://10.0.0.7:5001", "http://10.0.0.7:5001/")]
    [InlineData("tcp://[::1]:5001", "http://[::1]:5001/")]
    [InlineData("TCP://NSMGR-1:5001", "http://nsmgr-1:5001/")]
    public void Network_addresses_map_to_an_http_uri(string address, string expectedUri)
    {
        var parsed = NsmgrAddress.Parse(address);

        Assert.Equal(new Uri(expectedUri), parsed.HttpUri);
        Assert.Null(parsed.UnixSocketPath);
    }

    [Fact]
    public void A_unix_socket_maps_to_its_path_with_a_placeholder_authority()
    {
        var parsed = NsmgrAddress.Parse("unix:///var/lib/networkservicemesh/nsm.io.sock");

        Assert.Equal("/var/lib/networkservicemesh/nsm.io.sock", parsed.UnixSocketPath);
        Assert.Equal(new Uri("http://localhost/"), parsed.HttpUri);
    }

    [Theory]
    [InlineData(null, "must not be empty")]
    [InlineData("", "must not be empty")]
    [InlineData("   ", "must not be empty")]
    [InlineData("nsmgr-1", "'nsmgr-1' is not an absolute URI")]
    [InlineData("../nsm.io.sock", "'../nsm.io.sock' is not an absolute URI")]
    [InlineData("grpc://nsmgr-1:5001", "scheme 'grpc' is not supported")]
    [InlineData("/var/lib/networkservicemesh/nsm.io.sock", "scheme 'file' is not supported")]
    [InlineData("tcp://nsmgr-1", "'tcp://nsmgr-1' needs a host and a port")]
    [InlineData("unix:///", "names no socket path")]
    [InlineData("unix://", "names no socket path")]
    public void Bad_addresses_are_rejected_naming_the_field_and_the_rule(string? address, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => NsmgrAddress.Parse(address));

        Assert.StartsWith("nsmgrAddress: ", error.Message);
        Assert.Contains(rule, error.Message);
    }

    [Fact]
    public void A_unix_address_with_a_host_part_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => NsmgrAddress.Parse("unix://var/run/nsm.sock"));

        Assert.StartsWith("nsmgrAddress: ", error.Message);
    }

    [Fact]
    public void A_unix_socket_path_is_unescaped() =>
        Assert.Equal("/tmp/nsm dir/nsm.sock", NsmgrAddress.Parse("unix:///tmp/nsm dir/nsm.sock").UnixSocketPath);

    [Theory]
    [InlineData("http://127.0.0.1:5001", "http://127.0.0.1:5001")]
    [InlineData("http://127.0.0.1:5001/", "http://127.0.0.1:5001")]
    [InlineData("tcp://127.0.0.1:5001", "http://127.0.0.1:5001")]
    [InlineData("TCP://127.0.0.1:5001/", "http://127.0.0.1:5001")]
    [InlineData(" http://NSMGR-1.Example:5001 ", "http://nsmgr-1.example:5001")]
    [InlineData("http://nsmgr-1", "http://nsmgr-1:80")]
    [InlineData("http://nsmgr-1:80/", "http://nsmgr-1:80")]
    [InlineData("https://nsmgr-1", "https://nsmgr-1:443")]
    [InlineData("HTTPS://nsmgr-1:443/", "https://nsmgr-1:443")]
    [InlineData("tcp://[::1]:5001", "http://[::1]:5001")]
    [InlineData("http://[0:0:0:0:0:0:0:1]:5001/", "http://[::1]:5001")]
    [InlineData("unix:///var/lib/networkservicemesh/nsm.io.sock", "unix:///var/lib/networkservicemesh/nsm.io.sock")]
    [InlineData("unix:///var/lib//networkservicemesh/./nsm.io.sock", "unix:///var/lib/networkservicemesh/nsm.io.sock")]
    [InlineData("unix:///var/lib/other/../networkservicemesh/nsm.io.sock/", "unix:///var/lib/networkservicemesh/nsm.io.sock")]
    [InlineData("unix:///tmp/nsm%20dir/nsm.sock", "unix:///tmp/nsm dir/nsm.sock")]
    [InlineData("unix:///tmp/100%25/nsm.sock", "unix:///tmp/100%25/nsm.sock")]
    public void Every_spelling_of_one_nsmgr_has_one_canonical_form(string address, string canonical)
    {
        Assert.Equal(canonical, NsmgrAddress.Canonicalize(address));
        Assert.Equal(canonical, NsmgrAddress.Canonicalize(canonical));
        Assert.Equal(NsmgrAddress.Parse(address), NsmgrAddress.Parse(canonical));
    }

    [Theory]
    [InlineData("http://user:secret@nsmgr-1:5001", "user, query or fragment")]
    [InlineData("http://nsmgr-1:5001/?x=1", "user, query or fragment")]
    [InlineData("http://nsmgr-1:5001/#top", "user, query or fragment")]
    [InlineData("http://nsmgr-1:5001/api", "has a path")]
    [InlineData("unix:///..", "names no socket path")]
    public void Parts_an_nsmgr_address_does_not_have_are_rejected(string address, string rule)
    {
        Assert.False(NsmgrAddress.TryParse(address, out _, out var problem));
        Assert.Contains(rule, problem);
        Assert.Contains(rule, Assert.Throws<ArgumentException>(() => NsmgrAddress.Parse(address)).Message);
    }
}
