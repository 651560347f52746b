namespace Nsm.Simulator.DataPlane;

/// <summary>A network namespace as a command reaches it: by its <c>ip netns</c> name, or by a path (a /proc/PID/fd/N the simulator holds).</summary>
internal readonly record struct NetnsRef(string? Name, string? Path)
{
    public static NetnsRef Named(string name) => new(name, null);

    public static NetnsRef At(string path) => new(null, path);

    /// <summary>What <c>ip link … netns</c> accepts: iproute2 opens an argument with a slash as a path, else /run/netns/NAME.</summary>
    public string LinkTarget => Path ?? Name!;

    public override string ToString() => Name ?? Path!;
}
