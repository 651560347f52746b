namespace Nsm.Simulator.Tests;

public sealed class StandaloneArgumentsTests
{
    [Fact]
    public void No_arguments_means_the_default_topology_and_any_free_control_port() =>
        Assert.Equal(new StandaloneArguments(null, 0), StandaloneArguments.Parse([]));

    [Fact]
    public void Config_and_control_port_are_read() =>
        Assert.Equal(new StandaloneArguments("topo.json", 8088), StandaloneArguments.Parse(["--config", "topo.json", "--control-port", "8088"]));

    [Fact]
    public void Plaintext_is_off_unless_asked_for() =>
        Assert.Equal(new StandaloneArguments(null, 0, Plaintext: true), StandaloneArguments.Parse(["--plaintext"]));

    [Fact]
    public void The_data_plane_is_modelled_unless_kernel_or_auto_is_asked_for() =>
        Assert.Equal(new StandaloneArguments(null, 0, DataPlane: Nsm.Simulator.DataPlane.DataPlaneMode.Auto), StandaloneArguments.Parse(["--data-plane", "auto"]));

    [Theory]
    [InlineData("--data-plane must be model, kernel or auto, got 'veth'", "--data-plane", "veth")]
    [InlineData("unknown argument '--verbose'", "--verbose")]
    [InlineData("--config needs a value", "--config")]
    [InlineData("--control-port must be a port number between 0 and 65535, got 'x'", "--control-port", "x")]
    [InlineData("--control-port must be a port number between 0 and 65535, got '70000'", "--control-port", "70000")]
    public void Bad_arguments_are_named(string message, params string[] args) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => StandaloneArguments.Parse(args)).Message);
}
