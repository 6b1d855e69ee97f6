using System.Diagnostics;

namespace ModelCompiler.Samples.Tests;

/// <summary>
/// Runs a sample's binary from the test's output folder and reports its exit code, output, error output, time and
/// peak resident memory. The peak is VmHWM from /proc/&lt;pid&gt;/status, polled while the process runs: it only grows,
/// so any read after the peak sees it; a run ends with the last read taken just before exit.
/// </summary>
internal static class SampleProcess
{
    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed, long PeakBytes)
    {
        public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs <paramref name="sample"/>: a path, or a name in the test's output folder.</summary>
    public static Result Run(string sample, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, sample))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {sample}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, Peak(process.Id));
            if (watch.Elapsed > timeout)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{sample} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
            }
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, error.Result, watch.Elapsed, peak);
    }

    private static long Peak(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process has just exited.
        }

        return 0;
    }
}
