namespace ModelCompiler.Imaging.Tests;

/// <summary>
/// The process's peak resident set (VmHWM in /proc/self/status), which counts native allocations such as
/// StbImageSharp's. Reset writes "5" to /proc/self/clear_refs (Linux 4.0+), so a test can measure its own peak;
/// where that is refused the earlier peak stays, which only makes the measured growth smaller than the truth
/// if the process had already peaked higher (the bound then still holds against that earlier peak).
/// </summary>
internal static class PeakMemory
{
    public static long Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Keep the earlier peak: see the summary.
        }

        return Current();
    }

    public static long Current()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmHWM in /proc/self/status");
    }
}
