namespace Nsm.Healing.Silo.Hosting;

/// <summary>Redis did not answer at start-up; the silo exits instead of waiting on it.</summary>
public sealed class RedisUnreachableException(string message, Exception inner) : Exception(message, inner);
