using Microsoft.Extensions.Time.Testing;
using Nsm.Healing.Silo.Status;

namespace Nsm.Healing.Silo.Tests.Status;

/// <summary>/status polled by many shares one read of the cluster per interval.</summary>
public sealed class CachedReadTests
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private int _reads;

    private Task<string> Read(CancellationToken _) => Task.FromResult($"read {Interlocked.Increment(ref _reads)}");

    [Fact]
    public async Task Requests_within_the_interval_share_one_read()
    {
        var cached = new CachedRead<string>(Read, FreshFor, _time);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("read 1", await cached.GetAsync(CancellationToken.None));
            _time.Advance(FreshFor / 6);
        }

        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task A_request_after_the_interval_reads_again()
    {
        var cached = new CachedRead<string>(Read, FreshFor, _time);
        await cached.GetAsync(CancellationToken.None);

        _time.Advance(FreshFor);

        Assert.Equal("read 2", await cached.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Requests_arriving_during_a_read_wait_for_it_instead_of_starting_their_own()
    {
        var release = new TaskCompletionSource();
        var cached = new CachedRead<string>(async _ =>
        {
            Interlocked.Increment(ref _reads);
            await release.Task;
            return "slow read";
        }, FreshFor, _time);

        var callers = Enumerable.Range(0, 8).Select(_ => cached.GetAsync(CancellationToken.None)).ToList();
        release.SetResult();

        Assert.All(await Task.WhenAll(callers), answer => Assert.Equal("slow read", answer));
        Assert.Equal(1, _reads);
    }
}
