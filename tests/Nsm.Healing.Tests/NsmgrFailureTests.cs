using Grpc.Core;
using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests;

/// <summary>Status names as NsmgrClient produces them: <see cref="StatusCode"/>.ToString().</summary>
public sealed class NsmgrFailureTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.Cancelled, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.OK, false)]
    [InlineData(StatusCode.Unknown, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.AlreadyExists, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    [InlineData(StatusCode.Aborted, false)]
    [InlineData(StatusCode.OutOfRange, false)]
    [InlineData(StatusCode.Unimplemented, false)]
    [InlineData(StatusCode.Internal, false)]
    [InlineData(StatusCode.DataLoss, false)]
    [InlineData(StatusCode.Unauthenticated, false)]
    public void Only_no_answer_about_the_request_counts_as_unreachable(StatusCode status, bool unreachable) =>
        Assert.Equal(unreachable, NsmgrFailure.IsUnreachable(status.ToString()));

    [Theory]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.Cancelled, true)]
    [InlineData(StatusCode.Unknown, true)]
    [InlineData(StatusCode.Internal, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.OK, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.AlreadyExists, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    [InlineData(StatusCode.OutOfRange, false)]
    [InlineData(StatusCode.Unimplemented, false)]
    [InlineData(StatusCode.DataLoss, false)]
    [InlineData(StatusCode.Unauthenticated, false)]
    public void A_close_is_owed_when_the_request_may_have_landed(StatusCode status, bool mayHaveTakenEffect) =>
        Assert.Equal(mayHaveTakenEffect, NsmgrFailure.MayHaveTakenEffect(status.ToString()));

    [Fact]
    public void A_call_that_got_no_answer_may_always_have_landed()
    {
        foreach (var status in Enum.GetValues<StatusCode>().Where(s => NsmgrFailure.IsUnreachable(s.ToString())))
        {
            Assert.True(NsmgrFailure.MayHaveTakenEffect(status.ToString()), $"{status} is unreachable but owes no Close");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("NotAStatus")]
    public void Anything_but_a_status_name_is_neither(string statusCode)
    {
        Assert.False(NsmgrFailure.IsUnreachable(statusCode));
        Assert.False(NsmgrFailure.MayHaveTakenEffect(statusCode));
    }

    [Theory]
    [InlineData(StatusCode.PermissionDenied, true)]
    [InlineData(StatusCode.Unauthenticated, true)]
    [InlineData(StatusCode.Unavailable, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.Internal, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    public void Only_a_refused_or_missing_identity_holds_a_heal(StatusCode status, bool holds) =>
        Assert.Equal(holds, HealDecider.HoldsForIdentity(status.ToString()));
}
