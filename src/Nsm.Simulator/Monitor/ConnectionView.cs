using Nsm.Api;

namespace Nsm.Simulator.Monitor;

/// <summary>Builds a connection as a given server on its path reports it.</summary>
internal static class ConnectionView
{
    /// <summary>
    /// The server at <paramref name="pathIndex"/> sees its own segment id as the connection id and its own
    /// index as path.index; the path itself is the full one, segment 0 being the NSC's.
    /// </summary>
    public static Connection AsSeenAt(Connection nscView, int pathIndex, State state)
    {
        var view = nscView.Clone();
        view.Path.Index = (uint)pathIndex;
        view.Id = view.Path.PathSegments[pathIndex].Id;
        view.State = state;
        return view;
    }
}
