namespace Nsm.Healing.Client.Tls;

/// <summary>A cluster connection was closed because its TLS handshake failed; the message says with whom and why.</summary>
public sealed class TlsHandshakeException(string message, Exception? inner) : Exception(message, inner);
