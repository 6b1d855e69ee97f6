using System.Diagnostics;
using Xunit.Abstractions;

namespace ModelCompiler.Imaging.Tests;

/// <summary>Runs alone: the fuzz tests measure the process's peak memory.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "measures process memory";
}

/// <summary>
/// Random and mutated PNG, JPEG, BMP and GIF files (truncated, oversized, corrupted; seeded) through the shared
/// opener. Only <see cref="ImageFileException"/> may escape; whatever decodes is within the pixel limit; no case
/// may take long (a hang fails the test instead of stalling it); managed allocation per case and the process's
/// peak resident memory (which includes StbImageSharp's native buffers) stay within bounds derived from the limits.
/// </summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class ImageFuzzTests(ITestOutputHelper output)
{
    /// <summary>A small pixel limit, so that an oversized header that slipped through would show in memory.</summary>
    private static readonly ImageReadOptions Strict = new() { MaxPixels = 1 << 20 };

    private static readonly ImageReadOptions StrictAllowingTruncated = Strict with { AllowTruncated = true };

    /// <summary>Managed bytes one case may allocate: decoder output, its copy, a PNG's inflated rows, the input, slack.</summary>
    private static long ManagedBound(int inputLength) => (24L * Strict.MaxPixels) + (4L * inputLength) + (4 << 20);

    /// <summary>Growth of the process's peak resident memory over a whole run (native decoder buffers included).</summary>
    private const long PeakGrowthBound = 512L << 20;

    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(10);

    [Fact]
    public Task FastSweep() => Sweep(seed: 2026, cases: Environment.GetEnvironmentVariable("IMAGE_FUZZ_CASES") is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 3000);

    [Fact]
    [Trait("Category", "Slow")]
    public Task LargeSweep() => Sweep(seed: 77, cases: 40_000);

    private async Task Sweep(int seed, int cases)
    {
        long peakBefore = PeakMemory.Reset();
        var problems = new SortedDictionary<string, int>();
        int decoded = 0, warned = 0;
        var slowest = (Name: "", Time: TimeSpan.Zero);
        var total = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            var (name, data) = ImageMutations.Case(seed, i);
            var options = i % 2 == 0 ? Strict : StrictAllowingTruncated;
            var watch = Stopwatch.StartNew();
            var (image, error, allocated) = await Task.Run(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    var result = ImageFile.Decode(data, name, 3, options);
                    return ((DecodedImage?)result, (Exception?)null, GC.GetAllocatedBytesForCurrentThread() - before);
                }
                catch (Exception e)
                {
                    return ((DecodedImage?)null, (Exception?)e, GC.GetAllocatedBytesForCurrentThread() - before);
                }
            }).WaitAsync(CaseBound); // a case that hangs fails here with TimeoutException
            watch.Stop();
            if (watch.Elapsed > slowest.Time)
            {
                slowest = (name, watch.Elapsed);
            }

            Assert.True(allocated <= ManagedBound(data.Length), $"{name}: allocated {allocated:N0} bytes, bound {ManagedBound(data.Length):N0}");
            if (error is not null)
            {
                var imageError = Assert.IsType<ImageFileException>(error, exactMatch: true);
                Assert.Equal(name, imageError.FilePath);
                Assert.DoesNotContain('\n', imageError.Message);
                problems[imageError.Problem.ToString()] = problems.GetValueOrDefault(imageError.Problem.ToString()) + 1;
                continue;
            }

            decoded++;
            Assert.True((long)image!.Width * image.Height <= Strict.MaxPixels, $"{name}: decoded {image.Width} x {image.Height}, over the limit");
            Assert.Equal((long)image.Width * image.Height * 3, image.Pixels.Length);
            Assert.True(image.Warning is null || options.AllowTruncated, $"{name}: a warning although truncated images are refused");
            warned += image.Warning is null ? 0 : 1;
        }

        long growth = PeakMemory.Current() - peakBefore;
        output.WriteLine($"{cases} cases in {total.Elapsed.TotalSeconds:F1} s: {decoded} decoded ({warned} with a warning), {string.Join(", ", problems.Select(p => $"{p.Key} {p.Value}"))}");
        output.WriteLine($"slowest {slowest.Name}: {slowest.Time.TotalMilliseconds:F0} ms; peak resident memory grew by {growth:N0} bytes");
        Assert.True(growth <= PeakGrowthBound, $"peak resident memory grew by {growth:N0} bytes");
        Assert.True(decoded > cases / 20, "the mutations should leave some images decodable");
        Assert.True(problems.Count >= 4, "the mutations should reach several kinds of failure");
    }
}
