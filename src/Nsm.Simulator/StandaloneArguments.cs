using System.Globalization;
using Nsm.Simulator.DataPlane;

namespace Nsm.Simulator;

/// <summary>The standalone simulator's command line: [--config file.json] [--control-port N] [--plaintext] [--data-plane model|kernel|auto].</summary>
internal sealed record StandaloneArguments(string? ConfigPath, int ControlPort, bool Plaintext = false, DataPlaneMode DataPlane = DataPlaneMode.Model)
{
    public const string Usage = "usage: Nsm.Simulator [--config topology.json] [--control-port N] [--plaintext] [--data-plane model|kernel|auto]";

    public static StandaloneArguments Parse(IReadOnlyList<string> args)
    {
        string? config = null;
        var controlPort = 0;
        var plaintext = false;
        var dataPlane = DataPlaneMode.Model;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--config":
                    config = ValueAfter(args, ref i);
                    break;
                case "--control-port":
                    var port = ValueAfter(args, ref i);
                    controlPort = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed <= 65535
                        ? parsed
                        : throw new ArgumentException($"--control-port must be a port number between 0 and 65535, got '{port}'");
                    break;
                case "--plaintext":
                    plaintext = true;
                    break;
                case "--data-plane":
                    var mode = ValueAfter(args, ref i);
                    dataPlane = mode switch
                    {
                        "model" => DataPlaneMode.Model,
                        "kernel" => DataPlaneMode.Kernel,
                        "auto" => DataPlaneMode.Auto,
                        _ => throw new ArgumentException($"--data-plane must be model, kernel or auto, got '{mode}'"),
                    };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        return new StandaloneArguments(config, controlPort, plaintext, dataPlane);
    }

    private static string ValueAfter(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
}
