using Microsoft.Extensions.DependencyInjection;
using Nsm.Api;
using Nsm.Healing.Client.Tests.Fakes;

namespace Nsm.Healing.Client.Tests;

public sealed class NsmHealingClientTests
{
    private readonly FakeGrainFactory _grains = new();
    private readonly NsmHealingClient _client;

    public NsmHealingClientTests() => _client = new NsmHealingClient(_grains);

    [Fact]
    public async Task A_request_goes_to_the_grain_keyed_by_its_connection_id()
    {
        var request = ValidRequest("request-routed");

        var snapshot = await _client.RequestAsync(request);

        Assert.Equal(["request-routed"], _grains.RequestedKeys.Items);
        Assert.Equal([request], _grains.Grain("request-routed").Received.Items);
        Assert.Equal("request-routed", snapshot.ConnectionId);
    }

    [Theory]
    [InlineData("tcp://10.0.0.7:5001")]
    [InlineData("TCP://nsmgr-1:5001/")]
    [InlineData("http://nsmgr-1:5001/")]
    [InlineData("https://nsmgr-1")]
    [InlineData("unix:///var/lib/networkservicemesh/nsm.io.sock")]
    public async Task Every_nsmgr_address_nsm_writes_is_accepted(string address)
    {
        var request = ValidRequest("any-spelling") with { NsmgrAddress = address };

        await _client.RequestAsync(request);

        Assert.Equal([request], _grains.Grain("any-spelling").Received.Items);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("file:///proc/self/ns/net")]
    [InlineData("file:///proc/thread-self/ns/net")]
    public async Task A_kernel_mechanism_states_the_callers_namespace_by_inode(string? given)
    {
        var request = ValidRequest("kernel-own-namespace");
        var kernel = new Mechanism { Cls = "LOCAL", Type = "KERNEL" };
        if (given is not null)
        {
            kernel.Parameters["inodeURL"] = given;
        }

        request.Request.MechanismPreferences.Add(kernel);
        await _client.RequestAsync(request);

        var sent = Assert.Single(_grains.Grain("kernel-own-namespace").Received.Items);
        var own = System.IO.File.ResolveLinkTarget("/proc/thread-self/ns/net", returnFinalTarget: false)!.Name;
        var url = ((ConnectionRequest)sent).Request.MechanismPreferences.Single(m => m.Type == "KERNEL").Parameters["inodeURL"];
        Assert.StartsWith("inode://", url);
        Assert.Equal($"net:[{url.Split('/')[^1]}]", own);
    }

    [Fact]
    public async Task A_kernel_mechanism_naming_another_path_or_an_inode_is_sent_as_given()
    {
        var request = ValidRequest("kernel-given-namespace");
        request.Request.MechanismPreferences.Add(new Mechanism { Cls = "LOCAL", Type = "KERNEL", Parameters = { ["inodeURL"] = "file:///run/netns/blue" } });

        await _client.RequestAsync(request);

        Assert.Equal([request], _grains.Grain("kernel-given-namespace").Received.Items);
    }

    [Theory]
    [InlineData("no NSMgr address", "request.NsmgrAddress must be http://host:port, https://host:port, tcp://host:port or unix:///path: must not be empty")]
    [InlineData("relative NSMgr address", "request.NsmgrAddress must be http://host:port, https://host:port, tcp://host:port or unix:///path: scheme 'nsmgr' is not supported")]
    [InlineData("no NSM request", "request.Request must be set")]
    [InlineData("no connection", "request.Request.Connection must be set")]
    [InlineData("empty connection id", "request.Request.Connection.Id must not be empty")]
    [InlineData("segment 0 of another connection", "request.Request.Connection.Path.PathSegments[0].Id ('someone-else') must equal request.Request.Connection.Id ('bad-request')")]
    [InlineData("no client name", "request.ClientName must not be empty")]
    [InlineData("invalid policy", "FirstRetryDelay must be positive")]
    public async Task A_bad_request_is_refused_naming_the_field_before_any_grain_is_called(string mistake, string expected)
    {
        var request = ValidRequest("bad-request");
        switch (mistake)
        {
            case "no NSMgr address": request = request with { NsmgrAddress = "" }; break;
            case "relative NSMgr address": request = request with { NsmgrAddress = "nsmgr:5001" }; break;
            case "no NSM request": request = request with { Request = null! }; break;
            case "no connection": request.Request.Connection = null; break;
            case "empty connection id": request.Request.Connection.Id = ""; break;
            case "segment 0 of another connection":
                request.Request.Connection = TestConnections.Kernel("bad-request");
                request.Request.Connection.Path.PathSegments[0].Id = "someone-else";
                break;
            case "no client name": request = request with { ClientName = " " }; break;
            case "invalid policy": request = request with { Policy = HealPolicy.Default with { FirstRetryDelay = TimeSpan.Zero } }; break;
        }

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.RequestAsync(request));

        Assert.Contains(expected, error.Message);
        Assert.Empty(_grains.RequestedKeys.Items);
    }

    [Fact]
    public async Task A_missing_request_is_refused_by_name()
    {
        var error = await Assert.ThrowsAsync<ArgumentNullException>(() => _client.RequestAsync(null!));

        Assert.Equal("request", error.ParamName);
    }

    [Fact]
    public async Task An_adopted_connection_goes_to_the_grain_keyed_by_its_id()
    {
        var request = ValidAdoption("adopted");

        await _client.AdoptAsync(request);

        Assert.Equal(["adopted"], _grains.RequestedKeys.Items);
        Assert.Equal([request], _grains.Grain("adopted").Received.Items);
    }

    [Theory]
    [InlineData("no path", "request.Connection.Path must hold the path the NSMgr returned")]
    [InlineData("segment 0 of another connection", "request.Connection.Path.PathSegments[0].Id ('someone-else') must equal request.Connection.Id ('bad-adoption')")]
    [InlineData("no NSMgr address", "request.NsmgrAddress must be")]
    [InlineData("no connection", "request.Connection must be set")]
    public async Task A_bad_adoption_is_refused_naming_the_field(string mistake, string expected)
    {
        var request = ValidAdoption("bad-adoption");
        switch (mistake)
        {
            case "no path": request.Connection.Path = null; break;
            case "segment 0 of another connection": request.Connection.Path.PathSegments[0].Id = "someone-else"; break;
            case "no NSMgr address": request = request with { NsmgrAddress = "" }; break;
            case "no connection": request = request with { Connection = null! }; break;
        }

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.AdoptAsync(request));

        Assert.Contains(expected, error.Message);
        Assert.Empty(_grains.RequestedKeys.Items);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task A_blank_connection_id_is_refused_by_every_call(string connectionId)
    {
        Assert.Equal("connectionId", (await Assert.ThrowsAsync<ArgumentException>(() => _client.CloseAsync(connectionId))).ParamName);
        Assert.Equal("connectionId", (await Assert.ThrowsAsync<ArgumentException>(() => _client.GetAsync(connectionId))).ParamName);
        Assert.Equal("connectionId", (await Assert.ThrowsAsync<ArgumentException>(() => _client.ReportDataPlaneAsync(connectionId, DataPlaneVerdict.Up))).ParamName);
        // Refused when called, not first when enumerated.
        Assert.Equal("connectionId", Assert.Throws<ArgumentException>(() => _client.WatchAsync(connectionId)).ParamName);
        Assert.Empty(_grains.RequestedKeys.Items);
    }

    [Fact]
    public async Task A_null_connection_id_is_refused_by_name()
    {
        var error = await Assert.ThrowsAsync<ArgumentNullException>(() => _client.GetAsync(null!));

        Assert.Equal("connectionId", error.ParamName);
    }

    [Fact]
    public async Task An_undefined_verdict_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.ReportDataPlaneAsync("verdict", (DataPlaneVerdict)42));

        Assert.Equal("verdict", error.ParamName);
        Assert.Contains("must be Unknown, Up or Down", error.Message);
    }

    [Fact]
    public async Task Calls_reach_the_grain_of_their_connection()
    {
        var grain = _grains.Grain("calls");
        grain.State = new ConnectionSnapshot { ConnectionId = "calls", Phase = ConnectionPhase.Up };

        await _client.ReportDataPlaneAsync("calls", DataPlaneVerdict.Down);
        await _client.CloseAsync("calls");
        var state = await _client.GetAsync("calls");
        var watched = await _client.WatchAsync("calls").ToListAsync();

        Assert.Equal([DataPlaneVerdict.Down], grain.Reports.Items);
        Assert.Equal(["Close"], grain.Received.Items);
        Assert.Same(grain.State, state);
        Assert.Equal([grain.State], watched);
    }

    [Fact]
    public async Task Cancelling_stops_waiting_for_the_grain()
    {
        var answer = new TaskCompletionSource();
        _grains.Grain("slow").HoldAnswers = answer;
        using var cancel = new CancellationTokenSource();

        var request = _client.RequestAsync(ValidRequest("slow"), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        answer.SetResult();
    }

    [Fact]
    public void Without_a_grain_factory_there_is_no_client()
    {
        Assert.Equal("grainFactory", Assert.Throws<ArgumentNullException>(() => new NsmHealingClient(null!)).ParamName);
    }

    [Fact]
    public void The_service_collection_extension_registers_one_client_over_the_grain_factory()
    {
        var services = new ServiceCollection().AddSingleton<IGrainFactory>(_grains).AddNsmHealingClient().AddNsmHealingClient();
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<NsmHealingClient>(), provider.GetRequiredService<NsmHealingClient>());
        Assert.Single(services, service => service.ServiceType == typeof(NsmHealingClient));
    }

    private static ConnectionRequest ValidRequest(string connectionId) => new()
    {
        NsmgrAddress = "http://127.0.0.1:5001",
        Request = new NetworkServiceRequest { Connection = new Connection { Id = connectionId, NetworkService = "my-service" } },
    };

    private static AdoptRequest ValidAdoption(string connectionId) => new()
    {
        NsmgrAddress = "unix:///var/lib/networkservicemesh/nsm.io.sock",
        Connection = TestConnections.Kernel(connectionId, "10.0.0.2/32"),
    };
}
