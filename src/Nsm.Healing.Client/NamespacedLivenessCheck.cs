using System.Collections.Concurrent;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nsm.Api;
using Nsm.Netns;

namespace Nsm.Healing.Client;

/// <summary>
/// Runs another check from inside an NSC's network namespace, for a process that checks on behalf of NSCs living in
/// namespaces of their own (a node agent, the demo, tests): e.g. an <see cref="IcmpPingLivenessCheck"/> whose echo
/// requests must leave through the NSC's kernel interface. Needs CAP_SYS_ADMIN.
/// </summary>
/// <remarks>
/// Each check runs on a thread of its own that enters the namespace first (setns) and is never used for anything else:
/// a socket belongs to the namespace of the thread that made it, and every continuation of the check is posted back to
/// that thread, so nothing the check does happens outside the namespace and no pooled thread is left in it.
/// </remarks>
public sealed class NamespacedLivenessCheck : ILivenessCheck
{
    private const int CloneNewNet = 0x40000000;

    private readonly ILivenessCheck _inner;
    private readonly string _namespacePath;

    /// <param name="inner">The check to run inside the namespace.</param>
    /// <param name="namespacePath">The namespace's file: /proc/PID/ns/net of a process in it, or /run/netns/NAME.</param>
    public NamespacedLivenessCheck(ILivenessCheck inner, string namespacePath)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(namespacePath);
        _inner = inner;
        _namespacePath = namespacePath;
    }

    /// <inheritdoc/>
    public Task<LivenessResult> CheckAsync(Connection connection, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<LivenessResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => RunInside(connection, result, cancellationToken)) { IsBackground = true, Name = "nsc-namespace-check" };
        thread.Start();
        return result.Task;
    }

    private void RunInside(Connection connection, TaskCompletionSource<LivenessResult> result, CancellationToken cancellationToken)
    {
        SafeFileHandle netns;
        try
        {
            netns = NamespaceInode.Open(_namespacePath);
        }
        catch (IOException e)
        {
            // The namespace is gone, or not ours to open: nothing can be said about the vWire from here.
            result.SetResult(LivenessResult.Unknown($"cannot open the NSC's namespace {_namespacePath}: {e.Message}"));
            return;
        }

        using (netns)
        {
            if (SetNs((int)netns.DangerousGetHandle(), CloneNewNet) != 0)
            {
                result.SetResult(LivenessResult.Unknown($"cannot enter the NSC's namespace {_namespacePath}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}"));
                return;
            }
        }

        var context = new ThreadContext();
        SynchronizationContext.SetSynchronizationContext(context);
        Task<LivenessResult> check;
        try
        {
            check = _inner.CheckAsync(connection, cancellationToken);
        }
        catch (Exception e)
        {
            result.SetException(e);
            return;
        }

        check.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        context.RunUntilComplete();
        if (check.IsCompletedSuccessfully)
        {
            result.SetResult(check.Result);
        }
        else if (check.IsCanceled)
        {
            result.SetCanceled(cancellationToken);
        }
        else
        {
            result.SetException(check.Exception!.InnerExceptions);
        }
    }

    // DllImport: blittable ints need no marshalling code, and this package compiles without unsafe code.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int descriptor, int namespaceType);

    /// <summary>Runs every posted continuation on the one thread that entered the namespace, until the check completes.</summary>
    private sealed class ThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _work = [];

        public override void Post(SendOrPostCallback d, object? state)
        {
            if (!_work.IsAddingCompleted)
            {
                _work.Add((d, state));
                return;
            }

            // The check is over: whatever its parts still post (a late timer) runs on the pool.
            ThreadPool.QueueUserWorkItem(callback => d(callback), state, preferLocal: false);
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("a namespaced check only posts");

        public void Complete() => _work.CompleteAdding();

        public void RunUntilComplete()
        {
            foreach (var (callback, state) in _work.GetConsumingEnumerable())
            {
                callback(state);
            }
        }
    }
}
