using Nsm.Api;
using Nsm.Healing.Requests;

namespace Nsm.Healing.Tests;

public sealed class InitialRequestValidatorTests
{
    private const string GrainKey = TestRequests.ConnectionId;

    [Fact]
    public void A_valid_request_is_prepared_from_hop_zero_without_touching_the_input()
    {
        var request = Valid();

        var prepared = InitialRequestValidator.Prepare(GrainKey, request);

        var expected = TestRequests.LastGood();
        expected.Connection.Path.Index = 0;
        Assert.Equal(expected, prepared);
        Assert.Equal(TestRequests.LastGood(), request.Request);
    }

    [Fact]
    public void A_request_without_a_path_gets_the_NSC_segment()
    {
        var request = Valid(r => r.Connection.Path = null);

        var prepared = InitialRequestValidator.Prepare(GrainKey, request with { ClientName = "alpine-nsc" });

        var path = prepared.Connection.Path;
        Assert.Equal(0u, path.Index);
        var segment = Assert.Single(path.PathSegments);
        Assert.Equal("alpine-nsc", segment.Name);
        Assert.Equal(GrainKey, segment.Id);
        Assert.Null(request.Request.Connection.Path);
    }

    [Fact]
    public void A_request_with_an_empty_path_gets_the_NSC_segment()
    {
        var prepared = InitialRequestValidator.Prepare(GrainKey, Valid(r => r.Connection.Path.PathSegments.Clear()));

        var segment = Assert.Single(prepared.Connection.Path.PathSegments);
        Assert.Equal(("nsc", GrainKey), (segment.Name, segment.Id));
    }

    [Fact]
    public void A_null_request_is_rejected()
    {
        var error = Assert.Throws<ArgumentNullException>(() => InitialRequestValidator.Prepare(GrainKey, null!));

        Assert.Equal("request", error.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_connection_id_is_rejected(string id) =>
        AssertRejected(Valid(r => r.Connection.Id = id), "connection.id: must not be empty");

    [Theory]
    [InlineData("other-conn")]
    [InlineData("NSC-1-CONN")]
    public void A_connection_id_other_than_the_grain_key_is_rejected(string id)
    {
        var error = AssertRejected(Valid(r => r.Connection.Id = id), "connection.id:");

        Assert.Contains($"'{id}'", error.Message);
        Assert.Contains($"grain key '{GrainKey}'", error.Message);
    }

    [Fact]
    public void An_empty_network_service_is_rejected() =>
        AssertRejected(Valid(r => r.Connection.NetworkService = " "), "request.connection.network_service:");

    [Fact]
    public void A_request_without_any_mechanism_is_rejected() =>
        AssertRejected(Valid(r => { r.MechanismPreferences.Clear(); r.Connection.Mechanism = null; }), "request.mechanism_preferences:");

    [Fact]
    public void A_request_without_mechanism_preferences_is_rejected_even_with_a_mechanism() =>
        AssertRejected(Valid(r => r.MechanismPreferences.Clear()), "request.mechanism_preferences:");

    [Fact]
    public void A_path_whose_first_segment_is_not_this_connection_is_rejected()
    {
        var error = AssertRejected(Valid(r => r.Connection.Path.PathSegments[0].Id = "someone-else"), "request.connection.path.path_segments[0].id:");

        Assert.Contains("'someone-else'", error.Message);
    }

    [Fact]
    public void A_missing_client_name_for_an_empty_path_is_rejected() =>
        AssertRejected(Valid(r => r.Connection.Path = null) with { ClientName = "" }, "clientName:");

    [Fact]
    public void A_missing_network_service_request_is_rejected() =>
        AssertRejected(Valid() with { Request = null! }, "request: the NetworkServiceRequest must not be null");

    [Fact]
    public void A_missing_connection_is_rejected() =>
        AssertRejected(Valid(r => r.Connection = null), "request.connection: must not be null");

    [Theory]
    [InlineData("")]
    [InlineData("nsmgr")]
    [InlineData("grpc://nsmgr:5001")]
    public void A_bad_NSMgr_address_is_rejected(string address) =>
        AssertRejected(Valid() with { NsmgrAddress = address }, "nsmgrAddress:");

    [Fact]
    public void An_invalid_policy_is_rejected() =>
        AssertRejected(Valid() with { Policy = HealPolicy.Default with { MaxAttempts = -1 } }, "Invalid heal policy: MaxAttempts");

    [Fact]
    public void A_missing_policy_is_rejected() =>
        AssertRejected(Valid() with { Policy = null! }, "policy: must not be null");

    private static ArgumentException AssertRejected(ConnectionRequest request, string messageStart)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => InitialRequestValidator.Prepare(GrainKey, request));
        Assert.StartsWith(messageStart, error.Message);
        return error;
    }

    private static ConnectionRequest Valid(Action<NetworkServiceRequest>? change = null)
    {
        var request = TestRequests.LastGood();
        change?.Invoke(request);
        return new ConnectionRequest { NsmgrAddress = "tcp://nsmgr-1:5001", Request = request };
    }
}
