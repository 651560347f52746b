using System.IO;
using System.Net;
using Microsoft.AspNetCore.Http;
using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Status;

namespace Nsm.Healing.Silo.Tests.Health;

/// <summary>/status and /dashboard are for the silo's loopback unless an operator opens them; probes answer everyone.</summary>
public sealed class OperatorPagesGateTests
{
    [Fact]
    public void Operator_pages_are_loopback_only_by_default() =>
        Assert.False(new TelemetryOptions().OperatorPagesFromAnywhere);

    [Theory]
    [InlineData("/status")]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/GrainState")]
    public async Task A_remote_caller_of_an_operator_page_is_refused_naming_the_setting(string path)
    {
        var (status, body, passed) = await Call(path, IPAddress.Parse("10.1.2.3"));

        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, status);
        Assert.Contains("Nsm:Telemetry:OperatorPagesFromAnywhere", body);
    }

    [Theory]
    [InlineData("/status", "127.0.0.1")]
    [InlineData("/dashboard/", "::1")]
    [InlineData("/status", "::ffff:127.0.0.1")]
    [InlineData("/healthz/ready", "10.1.2.3")]
    [InlineData("/healthz/live", "10.1.2.3")]
    public async Task Loopback_callers_and_the_health_probes_pass(string path, string caller) =>
        Assert.True((await Call(path, IPAddress.Parse(caller))).Passed);

    private static async Task<(int Status, string Body, bool Passed)> Call(string path, IPAddress caller)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = caller;
        using var body = new MemoryStream();
        context.Response.Body = body;
        var passed = false;

        await OperatorPagesGate.Gate(context, _ =>
        {
            passed = true;
            return Task.CompletedTask;
        });

        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(body.ToArray()), passed);
    }
}
