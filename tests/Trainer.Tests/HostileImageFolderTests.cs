using System.CommandLine;
using ModelCompiler.Imaging;
using ModelCompiler.Imaging.Tests;
using ModelCompiler.Trainer.Cli;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Tests;

/// <summary>
/// Training folders with hostile images: each is skipped, counted and named with its reason (or, with
/// --truncated-images use, a truncated one is used and listed with a warning); none hangs or takes the memory its
/// header asks for; the summary lines stay one line each.
/// </summary>
public sealed class HostileImageFolderTests
{
    [Fact]
    public async Task Hostile_images_are_skipped_with_their_reasons_and_truncated_ones_used_only_when_asked()
    {
        using var folder = new TestFolder();
        var (cutJpeg, cutPng) = WriteFolder(folder.Path);

        var strict = await Task.Run(() => ImageFolder.Load(folder.Path, 16, 16, 3, seed: 1)).WaitAsync(TimeSpan.FromSeconds(60));
        var reasons = strict.Skipped.ToDictionary(s => Path.GetFileName(s.Path), s => s.Problem);
        Assert.Equal(
            new Dictionary<string, ImageProblem?>
            {
                ["app0.jpg"] = ImageProblem.Truncated,
                ["bomb.png"] = ImageProblem.DataLargerThanHeader,
                ["cut.jpg"] = ImageProblem.Truncated,
                ["cut.png"] = ImageProblem.Truncated,
                ["huge.png"] = ImageProblem.TooManyPixels,
                ["text.png"] = ImageProblem.UnsupportedFormat,
            },
            reasons);
        Assert.Equal(8, strict.Train.Count + strict.Test.Count);
        Assert.Empty(strict.Warnings);

        var lenient = ImageFolder.Load(folder.Path, 16, 16, 3, seed: 1, images: new ImageReadOptions { AllowTruncated = true });
        Assert.Equal(new[] { cutJpeg, cutPng }.Order(StringComparer.Ordinal), lenient.Warnings.Select(w => w.Path).Order(StringComparer.Ordinal));
        Assert.All(lenient.Warnings, w => Assert.StartsWith("truncated ", w.Warning));
        Assert.Equal(10, lenient.Train.Count + lenient.Test.Count);
        Assert.Equal(4, lenient.Skipped.Count);
    }

    [Fact]
    public void The_summary_prints_one_line_per_file_however_long_and_says_which_option_helps()
    {
        string longPath = "/data/" + new string('p', 300) + "/cut\u001b[2J.jpg";
        var empty = new ImageDataset([], [], 1, 1, 1, ["a", "b"]);
        var data = new LoadedData(empty, empty, empty, "test", [new SkippedImage(longPath, "truncated JPEG: ends inside its image data", ImageProblem.Truncated)],
            [new ImageWarning("/data/used.png", "truncated PNG: has no IEND chunk; used as far as its data goes")]);
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        console.Profile.Width = 80;

        DataSummary.Print(data, console);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"skipped /data/{new string('p', 300)}/cut\\u001b[2J.jpg: truncated JPEG: ends inside its image data", lines);
        Assert.Contains("warning /data/used.png: truncated PNG: has no IEND chunk; used as far as its data goes", lines);
        Assert.Contains("note: --truncated-images use trains on truncated images too, as far as their data goes (docs/limits.md)", lines);
        Assert.DoesNotContain('\u001b', writer.ToString());
    }

    [Fact]
    public void The_data_options_set_the_limits_and_the_truncated_choice()
    {
        var common = new CommonOptions();
        var command = new Command("x");
        common.AddDataTo(command);

        var defaults = common.Selection(command.Parse([])).Images;
        Assert.Equal(ImageReadOptions.Default, defaults);

        var chosen = common.Selection(command.Parse(["--max-image-pixels", "1000", "--max-image-bytes", "2000", "--truncated-images", "use"])).Images;
        Assert.Equal(new ImageReadOptions { MaxPixels = 1000, MaxFileBytes = 2000, AllowTruncated = true }, chosen);
        Assert.NotEmpty(command.Parse(["--truncated-images", "maybe"]).Errors);
    }

    /// <summary>Two classes of good 24x24 images, plus the hostile files; returns the two truncated-but-usable ones.</summary>
    private static (string CutJpeg, string CutPng) WriteFolder(string root)
    {
        var random = new Random(4);
        foreach (var (name, colour) in new[] { ("red", (220, 30, 30)), ("blue", (30, 30, 220)) })
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            for (int i = 0; i < 4; i++)
            {
                GeneratedImages.WritePng(Path.Combine(root, name, $"{i}.png"), GeneratedImages.Solid(24, 24, colour, random), 24, 24);
            }
        }

        string red = Path.Combine(root, "red");
        string photo = Path.Combine(red, "photo.jpg");
        GeneratedImages.WriteJpeg(photo, GeneratedImages.Solid(200, 150, (200, 40, 40), random), 200, 150);
        byte[] jpeg = File.ReadAllBytes(photo);
        File.Delete(photo);
        string cutJpeg = Path.Combine(red, "cut.jpg");
        File.WriteAllBytes(cutJpeg, jpeg[..(jpeg.Length / 2)]);
        File.WriteAllBytes(Path.Combine(red, "app0.jpg"), jpeg[..11]);

        string good = Path.Combine(root, "blue", "0.png");
        string cutPng = Path.Combine(root, "blue", "cut.png");
        File.WriteAllBytes(cutPng, File.ReadAllBytes(good)[..^12]); // no IEND
        File.WriteAllBytes(Path.Combine(root, "blue", "huge.png"), TestImages.PngWithData(18000, 18000, 18001 * 8, colourType: 0));
        File.WriteAllBytes(Path.Combine(root, "blue", "bomb.png"), TestImages.PngWithData(24, 24, 64L << 20, colourType: 0));
        File.WriteAllText(Path.Combine(root, "blue", "text.png"), "not a PNG");
        return (cutJpeg, cutPng);
    }
}
