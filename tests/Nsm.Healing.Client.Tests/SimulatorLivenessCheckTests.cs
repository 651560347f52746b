using System.Net;
using Nsm.Api;
using Nsm.Healing.Client.Tests.Fakes;

namespace Nsm.Healing.Client.Tests;

public sealed class SimulatorLivenessCheckTests : IAsyncLifetime
{
    private readonly FakeSimulatorControl _simulator = new();
    private readonly HttpClient _http = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task Up_when_the_simulator_says_up()
    {
        _simulator.Answers["sim-up"] = (HttpStatusCode.OK, """{"connectionId":"sim-up","up":true}""");

        var result = await Check(TestConnections.Kernel("sim-up"));

        Assert.Equal(DataPlaneVerdict.Up, result.Verdict);
        Assert.Equal(["/dataplane/sim-up"], _simulator.Paths.Items);
    }

    [Fact]
    public async Task Down_when_the_simulator_says_down()
    {
        _simulator.Answers["sim-down"] = (HttpStatusCode.OK, """{"connectionId":"sim-down","up":false}""");

        var result = await Check(TestConnections.Kernel("sim-down"));

        Assert.Equal(LivenessResult.Down("the simulator says the data plane of sim-down is down"), result);
    }

    [Fact]
    public async Task Down_when_the_simulator_does_not_know_the_connection()
    {
        var result = await Check(TestConnections.Kernel("sim-unknown"));

        Assert.Equal(LivenessResult.Down("the simulator has no data plane for connection sim-unknown"), result);
    }

    [Fact]
    public async Task Asks_about_the_nscs_own_path_segment_and_escapes_it()
    {
        var connection = TestConnections.Kernel("nsc side/1");
        connection.Id = "id at another hop";
        _simulator.Answers["nsc side/1"] = (HttpStatusCode.OK, """{"connectionId":"nsc side/1","up":true}""");

        var result = await Check(connection);

        Assert.Equal(DataPlaneVerdict.Up, result.Verdict);
        Assert.Equal(["/dataplane/nsc%20side%2F1"], _simulator.Paths.Items);
    }

    [Fact]
    public async Task Asks_about_the_connection_id_when_there_is_no_path()
    {
        var connection = new Connection { Id = "sim-no-path" };
        _simulator.Answers["sim-no-path"] = (HttpStatusCode.OK, """{"connectionId":"sim-no-path","up":true}""");

        var result = await Check(connection);

        Assert.Equal(DataPlaneVerdict.Up, result.Verdict);
    }

    [Fact]
    public async Task Keeps_a_base_path_in_the_control_url()
    {
        var check = new SimulatorLivenessCheck(_http, new Uri(_simulator.Url, "control"));

        await check.CheckAsync(TestConnections.Kernel("sim-base"), CancellationToken.None);

        Assert.Equal(["/control/dataplane/sim-base"], _simulator.Paths.Items);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "")]
    [InlineData(HttpStatusCode.OK, """{"connectionId":"sim-broken"}""")]
    public async Task Any_other_answer_throws_so_the_reporter_counts_it_as_down(HttpStatusCode status, string body)
    {
        _simulator.Answers["sim-broken"] = (status, body);

        await Assert.ThrowsAsync<HttpRequestException>(() => Check(TestConnections.Kernel("sim-broken")));
    }

    [Theory]
    [InlineData("/relative")]
    [InlineData("ftp://127.0.0.1/")]
    public void A_control_url_that_is_not_absolute_http_is_refused(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => new SimulatorLivenessCheck(_http, new Uri(url, UriKind.RelativeOrAbsolute)));

        Assert.Equal("controlUrl", error.ParamName);
    }

    private Task<LivenessResult> Check(Connection connection) =>
        new SimulatorLivenessCheck(_http, _simulator.Url).CheckAsync(connection, CancellationToken.None);
}
