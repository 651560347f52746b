using Nsm.Api;
using static Nsm.Healing.Connections.ConnectionEffect;

namespace Nsm.Healing.Connections;

// The token window: what an accepted Request's answer says of our token, and a Close that comes after it.
public sealed partial class ConnectionMachine
{
    private void TakeAnswer(NetworkServiceRequest sent, Connection answer, TimeSpan? tokenValidFor) =>
        TokenWindow.TakeAnswer(State, sent, answer, Now, tokenValidFor);

    /// <summary>
    /// The reason a closed connection keeps: what closed it, and, when its Close went out after our last token expired,
    /// that it was too late (the NSMgr had timed the connection out, or will refuse it).
    /// </summary>
    private string CloseReason(string reason, EffectBatch effects) =>
        TokenWindow.NoteIfClosed(State, ClosePurpose.Final, Now, effects) is { } expired
            ? $"{reason}; too late: the Close went out after our last token expired at {expired:O}"
            : reason;
}
