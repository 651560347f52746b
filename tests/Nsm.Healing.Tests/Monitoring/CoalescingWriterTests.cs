using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Tests.Monitoring;

public sealed class CoalescingWriterTests
{
    [Fact]
    public async Task Callers_arriving_during_a_write_share_the_one_write_after_it()
    {
        var writes = 0;
        var firstWrite = new TaskCompletionSource();
        var writer = new CoalescingWriter(() => ++writes == 1 ? firstWrite.Task : Task.CompletedTask);

        var first = writer.WriteAsync();
        var followers = Enumerable.Range(0, 10).Select(_ => writer.WriteAsync()).ToList();
        Assert.Equal(1, writes);
        Assert.All(followers, f => Assert.Same(followers[0], f));

        firstWrite.SetResult();
        await Task.WhenAll(followers.Append(first));

        Assert.Equal(2, writes);
    }

    [Fact]
    public async Task A_caller_after_all_writes_finished_gets_a_fresh_write()
    {
        var writes = 0;
        var writer = new CoalescingWriter(() =>
        {
            writes++;
            return Task.CompletedTask;
        });

        await writer.WriteAsync();
        await writer.WriteAsync();

        Assert.Equal(2, writes);
    }

    [Fact]
    public async Task A_failed_write_is_seen_by_its_callers_and_the_next_write_still_runs()
    {
        var writes = 0;
        var failing = new TaskCompletionSource();
        var writer = new CoalescingWriter(() => ++writes == 1 ? failing.Task : Task.CompletedTask);

        var first = writer.WriteAsync();
        var next = writer.WriteAsync();
        failing.SetException(new InvalidOperationException("storage down"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await next;
        Assert.Equal(2, writes);
    }
}
