using Nsm.Api;

namespace Nsm.Healing.Client.Tests.Fakes;

/// <summary>A liveness check whose answer the test sets, recording every Connection it was asked about.</summary>
internal sealed class FakeLivenessCheck : ILivenessCheck
{
    private volatile Func<Connection, CancellationToken, Task<LivenessResult>> _answer = (_, _) => Task.FromResult(LivenessResult.Up("fake says up"));

    public Recorded<Connection> Calls { get; } = new();

    public void Answer(LivenessResult result) => _answer = (_, _) => Task.FromResult(result);

    public void Answer(Func<Connection, CancellationToken, Task<LivenessResult>> answer) => _answer = answer;

    /// <summary>Answers only when cancelled, like a ping to a host that never replies.</summary>
    public void Hang() => _answer = async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    };

    public Task<LivenessResult> CheckAsync(Connection connection, CancellationToken cancellationToken)
    {
        Calls.Add(connection);
        return _answer(connection, cancellationToken);
    }
}
