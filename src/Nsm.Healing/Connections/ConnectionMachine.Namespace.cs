using Nsm.Api;
using Nsm.Healing.Namespaces;
using static Nsm.Healing.Connections.ConnectionEffect;

namespace Nsm.Healing.Connections;

// The NSC's network namespace (kernel mechanisms): held while the connection is open, so that the NSC's end is seen even
// when no call is due; the NSC's end closes the connection, with no heal.
public sealed partial class ConnectionMachine
{
    /// <summary>An open connection whose mechanism names the NSC's namespace holds it (the shell opens it once per activation).</summary>
    private void HoldStatedNamespace(EffectBatch effects)
    {
        if (IsOpen(State.Phase) && State.LastGoodRequest is { } last && StatedNamespace(last) is { } url)
        {
            effects.Add(new HoldNamespace(url));
        }
    }

    /// <summary>Connectivity is really gone: Close (while the last token is still valid) and end Closed with the reason.</summary>
    private void OnNscGone(string reason, EffectBatch effects)
    {
        if (!IsOpen(State.Phase))
        {
            return;
        }

        effects.Add(new Observe(new ConnectionNote.NscGone(reason)));
        OnClose(reason, effects);
    }

    /// <summary>A request naming two namespaces, or a KERNEL mechanism naming none, holds nothing: the NSMgr client refuses it.</summary>
    private static string? StatedNamespace(NetworkServiceRequest request)
    {
        try
        {
            return KernelMechanisms.StatedNamespace(KernelMechanisms.Of(request));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
