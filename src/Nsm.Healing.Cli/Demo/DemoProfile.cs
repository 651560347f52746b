namespace Nsm.Healing.Cli.Demo;

/// <summary>Which cluster profile the demo's silos run.</summary>
public enum DemoProfile
{
    /// <summary>Redis when redis-server is installed (then the silo-kill scenario runs), else Development.</summary>
    Auto,

    /// <summary>Localhost clustering and memory storage: nothing to install, nothing survives a killed silo.</summary>
    Development,

    /// <summary>A redis-server of the demo's own for membership, state and reminders: healing survives a killed silo.</summary>
    Redis,
}
