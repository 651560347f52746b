namespace Nsm.Healing.Namespaces;

/// <summary>No process lives in the namespace the NSC stated, and nothing pins it: the NSC is gone.</summary>
public sealed class NscNamespaceGoneException(string message) : Exception(message);
