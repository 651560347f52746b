namespace Nsm.Healing.Namespaces;

/// <summary>The NSCs' network namespaces on this silo's node: held open for connection grains, and watched for the NSC's end.</summary>
public interface INscNamespaces
{
    /// <summary>
    /// Opens the namespace the NSC stated in <c>inodeURL</c>. Throws <see cref="ArgumentException"/> for a URL this
    /// silo cannot use, <see cref="NscNamespaceGoneException"/> when nothing on the node holds that namespace.
    /// </summary>
    NscNamespace Hold(string statedUrl);

    /// <summary>Calls <paramref name="gone"/> once, with the reason, when no process lives in the namespace any more.</summary>
    IDisposable Watch(NscNamespace netns, Action<string> gone);
}
