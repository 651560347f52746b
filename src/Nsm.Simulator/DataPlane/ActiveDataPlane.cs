namespace Nsm.Simulator.DataPlane;

/// <summary>The data plane a simulator runs (never <see cref="DataPlaneMode.Auto"/>), and a sentence saying what that means and why.</summary>
public sealed record ActiveDataPlane(DataPlaneMode Mode, string Description);
