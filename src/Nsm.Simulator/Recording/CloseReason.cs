namespace Nsm.Simulator.Recording;

public enum CloseReason
{
    /// <summary>The client called Close.</summary>
    Client,

    /// <summary>The connection's tokens expired before anyone re-requested it.</summary>
    Expired,

    /// <summary>The NSMgr closed the old downstream connection on a RESELECT_REQUESTED Request.</summary>
    Reselect,

    /// <summary>The NSMgr answered the client's Close with success and lost it (an injected fault): nothing was released.</summary>
    Lost,
}
