using Nsm.Api;
using Nsm.Healing.Namespaces;

namespace Nsm.Healing.Grains;

/// <summary>
/// Carries out the namespace effects: the NSC's network namespace, opened once per activation (again after a restart
/// moved the grain), passed with every Request and Close, and watched so that the NSC's end reaches the machine as NscGone.
/// </summary>
public sealed partial class ConnectionGrain
{
    internal const string StateName = "connection";

    private NscNamespace? _netns;
    private IDisposable? _netnsWatch;

    private void HoldNamespace(string statedUrl)
    {
        try
        {
            Hold(statedUrl);
        }
        catch (ArgumentException)
        {
            // A URL this silo cannot use: the next call fails naming it.
        }
        catch (NscNamespaceGoneException e)
        {
            this.AsReference<IConnectionEvents>().OnNscNamespaceGone(e.Message).Ignore();
        }
    }

    /// <summary>The namespace a Request names, held from now on; null when no mechanism names one.</summary>
    /// <exception cref="NsmRequestFailedException">The namespace cannot be used: nothing is sent.</exception>
    private NscNamespace? NamespaceFor(NetworkServiceRequest request) => Namespace(KernelMechanisms.Of(request), "Request");

    /// <summary>As <see cref="NamespaceFor"/>; a Close whose namespace is gone still goes, without it: the NSMgr forgets the connection.</summary>
    private NscNamespace? NamespaceForClose(Connection closing) => closing.Mechanism is { } mechanism ? Namespace([mechanism], "Close") : null;

    private NscNamespace? Namespace(IEnumerable<Mechanism> mechanisms, string call)
    {
        string? stated;
        try
        {
            stated = KernelMechanisms.StatedNamespace(mechanisms);
        }
        catch (ArgumentException)
        {
            // The NSMgr client refuses the call naming the problem.
            return null;
        }

        if (stated is null)
        {
            return null;
        }

        try
        {
            return Hold(stated);
        }
        catch (ArgumentException e)
        {
            throw new NsmRequestFailedException("InvalidArgument", $"{call} for connection '{Id}' not sent: {e.Message}");
        }
        catch (NscNamespaceGoneException e)
        {
            // The machine decides what the NSC's end means (a registered connection closes; a first Request just fails).
            this.AsReference<IConnectionEvents>().OnNscNamespaceGone(e.Message).Ignore();
            return call == "Close" ? null : throw new NsmRequestFailedException("FailedPrecondition", $"{call} for connection '{Id}' not sent: {e.Message}");
        }
    }

    private NscNamespace Hold(string statedUrl)
    {
        if (_netns?.StatedUrl == statedUrl)
        {
            return _netns;
        }

        ReleaseNamespace();
        var held = namespaces.Hold(statedUrl);
        var self = this.AsReference<IConnectionEvents>();
        _netns = held;
        _netnsWatch = namespaces.Watch(held, reason => self.OnNscNamespaceGone(reason).Ignore());
        ConnectionGrainLog.NscNamespaceHeld(logger, Id, statedUrl, held.Inode.ToUrl(), held.OpenedFrom);
        return held;
    }

    private void ReleaseNamespace()
    {
        _netnsWatch?.Dispose();
        _netnsWatch = null;
        _netns?.Dispose();
        _netns = null;
    }
}
