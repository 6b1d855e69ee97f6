using System.Runtime.InteropServices;
using TorchSharp;

namespace ModelCompiler.Trainer.Native;

/// <summary>
/// Loads libtorch before TorchSharp's first call. TorchSharp's own loader, when the regular load fails, silently
/// copies ~480 MB of libraries next to itself and then fails anyway; loading the libraries here first, after making the
/// copy that will be loaded acceptable to Debian 12's libstdc++ (see docs/trainer.md), means TorchSharp finds them
/// already loaded, and a failure becomes one clear message instead.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The only version libLibTorchSharp.so needs beyond Debian 12's libstdc++ (for an unused symbol).</summary>
    public const string UnneededVersion = "GLIBCXX_3.4.32";

    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>Patches and loads the native libraries once per process; throws <see cref="TorchUnavailableException"/>.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded)
            {
                return;
            }

            string directory = NativeDirectory();
            string torchCpu = Path.Combine(directory, "libtorch_cpu.so");
            string bridge = Path.Combine(directory, "libLibTorchSharp.so");
            foreach (string file in new[] { torchCpu, bridge })
            {
                if (!File.Exists(file))
                {
                    throw new TorchUnavailableException(
                        $"{file} is missing: build the trainer with RuntimeIdentifier linux-x64 so the libtorch-cpu-linux-x64 natives are copied to the output folder");
                }
            }

            try
            {
                ElfVersionPatcher.MarkWeak(bridge, UnneededVersion);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new TorchUnavailableException($"could not mark {UnneededVersion} weak in {bridge}: {e.Message}");
            }

            try
            {
                NativeLibrary.Load(torchCpu);
                NativeLibrary.Load(bridge);
            }
            catch (DllNotFoundException e)
            {
                throw new TorchUnavailableException($"libtorch does not load: {e.Message}");
            }

            torch.InitializeDeviceType(DeviceType.CPU);
            _loaded = true;
        }
    }

    /// <summary>Where the loader will look for LibTorchSharp: next to TorchSharp.dll (typeof does not run its static constructor).</summary>
    public static string NativeDirectory() =>
        Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
}

/// <summary>libtorch cannot be loaded; the message says why and what to do.</summary>
public sealed class TorchUnavailableException(string message) : Exception(message);
