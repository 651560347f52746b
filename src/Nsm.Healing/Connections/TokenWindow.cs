using Nsm.Api;
using Nsm.Healing.Requests;

namespace Nsm.Healing.Connections;

/// <summary>
/// The window our last token gives a connection. A real NSMgr writes the token its caller sent into the caller's path
/// segment and times the connection out when that token expires; it accepts nothing of the connection afterwards. So
/// a refresh must come before our token expires, and a Close after it is too late: whatever the NSMgr answers, it no
/// longer held the connection on our behalf.
/// </summary>
public static class TokenWindow
{
    /// <summary>
    /// An accepted Request: its answer is the connection now, held at the NSMgr until the token we sent expires; and
    /// whatever it forgot, the path answering the Request knows the connection again.
    /// </summary>
    public static void TakeAnswer(ConnectionState state, NetworkServiceRequest sent, Connection answer, DateTimeOffset now, TimeSpan? tokenValidFor)
    {
        state.LastGoodRequest = HealRequests.WithAnswer(sent, answer);
        state.TokenExpiresAt = OwnTokenExpiry(answer, now, tokenValidFor);
        state.NsmgrMayHaveForgotten = false;
        state.NsmgrAnsweredAt = now;
    }

    /// <summary>
    /// When the token we sent with the Request that <paramref name="answer"/> answers expires: measured by the client
    /// (<paramref name="validFor"/> from <paramref name="now"/>, on the connection's clock), or else what the NSMgr wrote
    /// into our own path segment (segment 0) from our metadata; null when neither says.
    /// </summary>
    public static DateTimeOffset? OwnTokenExpiry(Connection answer, DateTimeOffset now, TimeSpan? validFor)
    {
        if (validFor is { } left)
        {
            return now + left;
        }

        return answer.Path is { PathSegments: [{ Expires: { } expires }, ..] } ? expires.ToDateTimeOffset() : null;
    }

    /// <summary>
    /// Until when a Close that was not confirmed is worth retrying: our last token's expiry; without one (identity off, or
    /// a connection stored before it was kept), the earliest expiry on its path; without any, <paramref name="fallback"/>.
    /// </summary>
    public static DateTimeOffset CloseDeadline(ConnectionState state, DateTimeOffset fallback)
    {
        if (state.TokenExpiresAt is { } own)
        {
            return own;
        }

        var expiries = (state.Connection?.Path?.PathSegments ?? []).Where(s => s.Expires is not null).Select(s => s.Expires.ToDateTimeOffset()).ToList();
        return expiries.Count > 0 ? expiries.Min() : fallback;
    }

    /// <summary>When our last token expired, if it has by <paramref name="now"/>; null while a Close is still in time.</summary>
    public static DateTimeOffset? ExpiredAt(ConnectionState state, DateTimeOffset now) =>
        state.TokenExpiresAt is { } expires && expires <= now ? expires : null;

    /// <summary>Reports a Close about to go out after our last token expired: sent all the same, and recorded as too late.</summary>
    /// <returns>When the token expired, or null when the Close is in time.</returns>
    public static DateTimeOffset? NoteIfClosed(ConnectionState state, ClosePurpose purpose, DateTimeOffset now, EffectBatch effects)
    {
        if (ExpiredAt(state, now) is not { } expired)
        {
            return null;
        }

        effects.Add(new ConnectionEffect.Observe(new ConnectionNote.CloseTooLate(purpose, expired)));
        return expired;
    }
}
