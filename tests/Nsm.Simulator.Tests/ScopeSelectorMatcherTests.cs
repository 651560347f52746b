using Nsm.Api;
using Nsm.Simulator.Monitor;

namespace Nsm.Simulator.Tests;

public sealed class ScopeSelectorMatcherTests
{
    private static readonly Connection Connection = new()
    {
        Id = "c-1",
        NetworkService = "ns-1",
        Path = new Path
        {
            PathSegments =
            {
                new PathSegment { Name = "nsc", Id = "c-1", Token = "t0" },
                new PathSegment { Name = "nsmgr-1", Id = "m-1", Token = "t1" },
                new PathSegment { Name = "fwd-1a", Id = "f-1", Token = "t2" },
                new PathSegment { Name = "nse-1", Id = "e-1", Token = "t3" },
            },
        },
    };

    [Theory]
    [InlineData("", true)]
    [InlineData("ns-1", true)]
    [InlineData("ns-2", false)]
    [InlineData("ns-2|ns-1", true)]
    public void Network_services_are_an_or_list(string services, bool matches)
    {
        var selector = new MonitorScopeSelector();
        selector.NetworkServices.Add(services.Split('|', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(matches, ScopeSelectorMatcher.Matches(selector, Connection));
    }

    [Theory]
    [InlineData("nsmgr-1,,", true)]
    [InlineData(",m-1,", true)]
    [InlineData(",,t1", true)]
    [InlineData("nsmgr-1,m-2,", false)]
    [InlineData(",,|,,|,,|,,", true)]
    [InlineData(",,|,,|,,|,,|,,", false)]
    [InlineData("fwd-1a,,|nse-1,,", true)]
    [InlineData("nse-1,,|fwd-1a,,", false)]
    [InlineData("nsc,,|fwd-1a,,", false)]
    [InlineData("nsmgr-1,m-1,t1|fwd-1a,f-1,t2|nse-1,e-1,t3", true)]
    [InlineData("nsmgr-1,,|fwd-1a,,t9", false)]
    public void Path_segments_match_a_contiguous_run_with_empty_fields_as_wildcards(string run, bool matches)
    {
        var selector = new MonitorScopeSelector();
        foreach (var segment in run.Split('|'))
        {
            var fields = segment.Split(',');
            selector.PathSegments.Add(new PathSegment { Name = fields[0], Id = fields[1], Token = fields[2] });
        }

        Assert.Equal(matches, ScopeSelectorMatcher.Matches(selector, Connection));
    }

    [Fact]
    public void Both_rules_must_hold()
    {
        var selector = new MonitorScopeSelector
        {
            NetworkServices = { "ns-2" },
            PathSegments = { new PathSegment { Name = "nsmgr-1" } },
        };

        Assert.False(ScopeSelectorMatcher.Matches(selector, Connection));
    }
}
