using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace Nsm.Simulator.DataPlane;

/// <summary>
/// Runs iproute2's <c>ip</c> inside one network namespace: a named one with <c>ip -n</c>, one held only by a descriptor
/// with <c>nsenter --net=/proc/PID/fd/N</c> (iproute2 6.1's <c>-n</c> takes names only).
/// </summary>
/// <remarks>
/// The tool rather than netlink from a setns'd thread: each command switches namespace in its own process, so no thread
/// of the simulator ever leaves its namespace and nothing can be created in the root one by a thread that switched
/// back too early; the kernel's answers come back as iproute2's own error messages. A few ms per command, which only
/// the opt-in kernel mode pays.
/// </remarks>
internal static class IpRoute
{
    /// <summary>Runs <c>ip</c> with <paramref name="arguments"/> in <paramref name="netns"/>; returns stdout.</summary>
    public static string Run(NetnsRef netns, params string[] arguments) => Execute(netns, arguments, batch: null);

    /// <summary>Runs every line of <paramref name="commands"/> with <c>ip -batch -</c> in one process; stops at the first failure.</summary>
    public static void Batch(NetnsRef netns, IEnumerable<string> commands) =>
        Execute(netns, ["-batch", "-"], string.Join('\n', commands) + "\n");

    /// <summary><c>ip -j addr show dev <paramref name="device"/></c>, or null when there is no such device.</summary>
    public static JsonElement? ShowAddresses(NetnsRef netns, string device)
    {
        string output;
        try
        {
            output = Run(netns, "-j", "addr", "show", "dev", device);
        }
        catch (KernelCommandException e) when (e.IsMissing)
        {
            return null;
        }

        using var document = JsonDocument.Parse(output);
        return document.RootElement.GetArrayLength() == 1 ? document.RootElement[0].Clone() : null;
    }

    /// <summary>Runs a program (not <c>ip</c>) and returns stdout; a non-zero exit throws with its stderr.</summary>
    public static string Tool(string program, IReadOnlyList<string> arguments, string? stdin = null)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var command = $"{program} {string.Join(' ', arguments)}";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new KernelCommandException(command, -1, "the process did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new KernelCommandException(command, -1, $"{program} is missing ({e.Message}); install iproute2 and util-linux");
        }

        try
        {
            var error = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                WriteInput(process, stdin);
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : throw new KernelCommandException(command, process.ExitCode, error.GetAwaiter().GetResult());
        }
        finally
        {
            DisposeQuietly(process);
        }
    }

    private static void WriteInput(Process process, string stdin)
    {
        try
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited before reading all of it (e.g. `ip -batch` in a namespace deleted meanwhile): its exit
            // code and stderr say why, not the broken pipe.
        }
    }

    private static void DisposeQuietly(Process process)
    {
        try
        {
            process.Dispose();
        }
        catch (IOException)
        {
            // Closing standard input flushes what a program that exited early never read.
        }
    }

    private static string Execute(NetnsRef netns, IReadOnlyList<string> arguments, string? batch) =>
        netns.Name is { } name
            ? Tool("ip", ["-n", name, .. arguments], batch)
            : Tool("nsenter", [$"--net={netns.Path}", "ip", .. arguments], batch);
}
