using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests;

public sealed class PausedTriggersTests
{
    [Theory]
    [InlineData(null, HealTrigger.ControlPlaneLost, HealTrigger.ControlPlaneLost)]
    [InlineData(HealTrigger.DataPlaneDown, HealTrigger.ControlPlaneLost, HealTrigger.DataPlaneDown)]
    [InlineData(HealTrigger.ConnectionDown, HealTrigger.ControlPlaneLost, HealTrigger.ConnectionDown)]
    [InlineData(HealTrigger.ControlPlaneLost, HealTrigger.ConnectionDeleted, HealTrigger.ConnectionDeleted)]
    [InlineData(HealTrigger.ConnectionDown, HealTrigger.DataPlaneDown, HealTrigger.DataPlaneDown)]
    [InlineData(HealTrigger.Operator, HealTrigger.RefreshDue, HealTrigger.Operator)]
    [InlineData(null, HealTrigger.RefreshRequested, null)]
    public void The_strongest_trigger_is_remembered(HealTrigger? remembered, HealTrigger incoming, HealTrigger? expected) =>
        Assert.Equal(expected, PausedTriggers.Remember(remembered, incoming));

    [Theory]
    [InlineData(null, DataPlaneVerdict.Down, HealTrigger.DataPlaneDown)]
    [InlineData(HealTrigger.ControlPlaneLost, DataPlaneVerdict.Down, HealTrigger.DataPlaneDown)]
    [InlineData(HealTrigger.DataPlaneDown, DataPlaneVerdict.Up, null)]
    [InlineData(HealTrigger.DataPlaneDown, DataPlaneVerdict.Unknown, null)]
    [InlineData(HealTrigger.ConnectionDown, DataPlaneVerdict.Up, HealTrigger.ConnectionDown)]
    [InlineData(null, DataPlaneVerdict.Up, null)]
    public void At_resume_the_data_plane_now_decides(HealTrigger? remembered, DataPlaneVerdict now, HealTrigger? expected) =>
        Assert.Equal(expected, PausedTriggers.AtResume(remembered, now));
}
