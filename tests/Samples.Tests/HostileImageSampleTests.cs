using ModelCompiler.Imaging.Tests;

namespace ModelCompiler.Samples.Tests;

/// <summary>
/// The samples as a user runs them, given hostile images and folders: every file gets exactly one line (a label, or
/// an error naming the file and the reason), the exit code says whether any failed, nothing hangs, no stack trace,
/// and the process's peak memory stays far below what the hostile headers ask for.
/// </summary>
public sealed class HostileImageSampleTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>What a sample may take while refusing the files below (the issue measured 1.9 GB and 1 GB).</summary>
    private const long PeakBound = 300L << 20;

    private readonly string folder = Directory.CreateTempSubdirectory("sample-hostile-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    [Trait("Category", "Slow")] // compressing the 324 MB and 512 MB of zeros behind huge.png and bomb.png
    public void The_fashion_sample_reports_each_hostile_image_on_one_line_without_hanging()
    {
        var rgb = TestImages.Rgb(150, 120, seed: 1);
        byte[] jpeg = TestImages.Jpeg(rgb, 150, 120);
        var files = new Dictionary<string, byte[]>
        {
            ["app0.jpg"] = jpeg[..11],
            ["cut10.jpg"] = jpeg[..(jpeg.Length / 10)],
            ["cut50.jpg"] = jpeg[..(jpeg.Length / 2)],
            ["cut99.jpg"] = jpeg[..(jpeg.Length * 99 / 100)],
            // Complete data, so that a decoder without the limits would really inflate and fill it (324 MB, 512 MB).
            ["huge.png"] = TestImages.PngWithData(18000, 18000, 18001L * 18000, colourType: 0),
            ["bomb.png"] = TestImages.PngWithData(100, 100, 512L << 20),
            ["noiend.png"] = TestImages.StbPng(rgb, 150, 120)[..^12],
            ["good.jpg"] = jpeg,
            ["good.bmp"] = TestImages.Bmp(rgb, 150, 120),
        };
        var paths = files.Select(f => Write(f.Key, f.Value)).ToList();
        string directory = Directory.CreateDirectory(Path.Combine(folder, "dir.png")).FullName;
        string zero = Path.Combine(folder, "zero.png");
        File.CreateSymbolicLink(zero, "/dev/zero");
        string evil = Write("evil\u001b[2J.jpg", jpeg);
        paths.AddRange([directory, zero, evil]);

        var run = SampleProcess.Run("fashion-classifier", paths, Timeout);

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(
            ["good.jpg", "good.bmp", "evil\\u001b[2J.jpg"],
            run.OutputLines.Select(line => Path.GetFileName(line[..line.LastIndexOf(": ", StringComparison.Ordinal)])));
        Assert.Equal(paths.Count - 3, run.ErrorLines.Length);
        foreach (var (name, reason) in new[]
        {
            ("app0.jpg", "truncated JPEG: "), ("cut10.jpg", "truncated JPEG: "), ("cut50.jpg", "truncated JPEG: "), ("cut99.jpg", "truncated JPEG: "),
            ("huge.png", "PNG of 18000 x 18000 = 324,000,000 pixels, over the limit of 33,554,432 pixels"),
            ("bomb.png", "PNG image data inflates to more than"), ("noiend.png", "truncated PNG: has no IEND chunk"),
            ("dir.png", "is a folder, not a file"), ("zero.png", "holds more than the limit of 134,217,728 bytes for an image"),
        })
        {
            Assert.Contains($"error: {Path.Combine(folder, name)}: {reason}", run.Error);
        }

        Assert.DoesNotContain('\u001b', run.Output + run.Error);
        Assert.True(run.PeakBytes < PeakBound, $"peak resident memory {run.PeakBytes:N0} bytes");
    }

    [Fact]
    public void The_fashion_sample_uses_truncated_images_with_a_warning_when_asked()
    {
        byte[] jpeg = TestImages.Jpeg(TestImages.Rgb(150, 120, seed: 2), 150, 120);
        string cut = Write("cut.jpg", jpeg[..(jpeg.Length / 2)]);

        var run = SampleProcess.Run("fashion-classifier", ["--allow-truncated", cut], Timeout);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith(cut + ": ", Assert.Single(run.OutputLines));
        Assert.StartsWith($"warning: {cut}: truncated JPEG: ", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void The_intel_sample_walks_a_folder_with_a_link_to_its_parent_once_and_names_what_it_skipped()
    {
        string photos = Directory.CreateDirectory(Path.Combine(folder, "photos", "sub")).FullName;
        byte[] jpeg = TestImages.Jpeg(TestImages.Rgb(150, 150, seed: 3), 150, 150);
        File.WriteAllBytes(Path.Combine(folder, "photos", "a.jpg"), jpeg);
        File.WriteAllBytes(Path.Combine(photos, "b.jpg"), jpeg);
        File.WriteAllBytes(Path.Combine(photos, "app0.jpg"), jpeg[..11]);
        Directory.CreateSymbolicLink(Path.Combine(photos, "up"), "..");

        var run = SampleProcess.Run("intel-classifier", [Path.Combine(folder, "photos")], Timeout);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            [Path.Combine(folder, "photos", "a.jpg"), Path.Combine(photos, "b.jpg")],
            run.OutputLines.Select(line => line[..line.LastIndexOf(": ", StringComparison.Ordinal)]));
        Assert.Equal(
            [
                $"skipped {Path.Combine(photos, "up")}: a symbolic link back to {Path.Combine(folder, "photos")}, which contains it (a cycle); not followed",
                $"skipped {Path.Combine(photos, "app0.jpg")}: truncated JPEG: segment 0xE0 at byte 2 declares 16 bytes, past the end of the file (11 bytes), before any image data",
            ],
            run.ErrorLines);
    }

    [Fact]
    public void Mutated_images_through_the_fashion_sample_each_give_one_line()
    {
        const int count = 300;
        var paths = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var (_, data) = ImageMutations.Case(seed: 5, i);
            paths.Add(Write($"case{i:000}.img", data));
        }

        var run = SampleProcess.Run("fashion-classifier", ["--max-image-pixels", "1048576", .. paths], Timeout);

        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(count, run.OutputLines.Length + run.ErrorLines.Length);
        Assert.All(run.ErrorLines, line => Assert.StartsWith($"error: {folder}/case", line));
        Assert.Equal(run.ErrorLines.Length == 0 ? 0 : 1, run.ExitCode);
        Assert.True(run.PeakBytes < PeakBound, $"peak resident memory {run.PeakBytes:N0} bytes");
    }

    private string Write(string name, byte[] data)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, data);
        return path;
    }
}
