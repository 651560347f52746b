using Nsm.Api;
using Nsm.Healing.Requests;

namespace Nsm.Healing.Tests;

/// <summary>Huge label maps and ids that are not valid text are refused before anything is sent or stored.</summary>
public sealed class InitialRequestValidatorHostileInputTests
{
    private const string GrainKey = TestRequests.ConnectionId;

    [Fact]
    public void Too_many_labels_are_rejected_naming_the_field_and_the_limit() =>
        AssertRejected(Valid(r =>
        {
            for (var i = 0; i < 200; i++)
            {
                r.Connection.Labels[$"l{i}"] = "v";
            }
        }), "request.connection.labels: has 202 labels; at most 128 are allowed");

    [Fact]
    public void Labels_over_the_byte_limit_are_rejected_naming_the_field_and_the_limit() =>
        AssertRejected(Valid(r => r.Connection.Labels["big"] = new string('x', 1_000_000)),
            "request.connection.labels: takes 1000026 bytes (keys and values, UTF-8); at most 32768 are allowed");

    [Fact]
    public void A_connection_id_that_is_not_valid_text_is_rejected_before_it_is_compared_with_the_key()
    {
        const string damaged = "nsc-1-\uFFFD";

        var error = Assert.ThrowsAny<ArgumentException>(() => InitialRequestValidator.RequireConnectionId(damaged, damaged));

        Assert.StartsWith("connection.id: contains U+FFFD at index 6", error.Message);
    }

    [Theory]
    [InlineData(2, "id", "request.connection.path.path_segments[2].id: is not valid UTF-16: lone surrogate U+DBFF at index 3")]
    [InlineData(3, "name", "request.connection.path.path_segments[3].name: is not valid UTF-16: lone surrogate U+DBFF at index 3")]
    public void A_path_segment_id_or_name_that_is_not_valid_text_is_rejected_naming_the_segment(int segment, string field, string message) =>
        AssertRejected(Valid(r =>
        {
            if (field == "id")
            {
                r.Connection.Path.PathSegments[segment].Id = "bad\uDBFF";
            }
            else
            {
                r.Connection.Path.PathSegments[segment].Name = "bad\uDBFF";
            }
        }), message);

    [Fact]
    public void A_client_name_that_is_not_valid_text_is_rejected_when_it_would_become_segment_zero() =>
        AssertRejected(Valid(r => r.Connection.Path = null) with { ClientName = "nsc\uD800" }, "clientName: is not valid UTF-16");

    private static void AssertRejected(ConnectionRequest request, string messageStart)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => InitialRequestValidator.Prepare(GrainKey, request));
        Assert.StartsWith(messageStart, error.Message);
    }

    private static ConnectionRequest Valid(Action<NetworkServiceRequest>? change = null)
    {
        var request = TestRequests.LastGood();
        change?.Invoke(request);
        return new ConnectionRequest { NsmgrAddress = "tcp://nsmgr-1:5001", Request = request };
    }
}
