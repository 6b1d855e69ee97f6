using System.CommandLine;
using ModelCompiler.Trainer.Data;
using Spectre.Console;
using StbImageWriteSharp;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// <c>make-standin</c>: writes the procedural stand-in for the Kaggle Intel set in its folder layout
/// (seg_train/&lt;class&gt;/*.jpg, seg_test/&lt;class&gt;/*.jpg, seg_pred/*.jpg), so intel-cnn can be trained and the
/// Intel sample run end to end on a machine that cannot download the real data.
/// </summary>
public static class StandInCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var output = CommonOptions.Output<string>("Folder to create (seg_train/, seg_test/, seg_pred/ inside).", required: true);
        var train = new Option<int>("--train-per-class") { Description = "Training images per class.", DefaultValueFactory = _ => 300 };
        var test = new Option<int>("--test-per-class") { Description = "Test images per class.", DefaultValueFactory = _ => 60 };
        var predict = new Option<int>("--predict") { Description = "Unlabelled images in seg_pred/.", DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { Description = "Seed of the drawing.", DefaultValueFactory = _ => 1234 };
        var command = new Command(
            "make-standin",
            "Draw a synthetic stand-in for the Kaggle Intel Image Classification set (150x150 JPEGs of buildings, forest, " +
            "glacier, mountain, sea and street scenes made of shapes and noise). It is not the real data: results on it say " +
            "nothing about real photographs.")
        {
            output, train, test, predict, seed,
        };
        command.SetAction(result =>
        {
            string root = result.GetValue(output)!;
            var random = new Random(result.GetValue(seed));
            int written = 0;
            written += WriteSplit(Path.Combine(root, "seg_train"), result.GetValue(train), random);
            written += WriteSplit(Path.Combine(root, "seg_test"), result.GetValue(test), random);
            string pred = Path.Combine(root, "seg_pred");
            Directory.CreateDirectory(pred);
            for (int i = 0; i < result.GetValue(predict); i++)
            {
                int cls = random.Next(SyntheticScenes.Classes.Length);
                WriteJpeg(Path.Combine(pred, $"{i:D4}.jpg"), SyntheticScenes.Draw(cls, random));
                written++;
            }

            console.MarkupLine($"wrote {written} stand-in images to [bold]{Markup.Escape(root)}[/] (synthetic, not the Kaggle Intel data)");
            return 0;
        });
        return command;
    }

    private static int WriteSplit(string folder, int perClass, Random random)
    {
        for (int c = 0; c < SyntheticScenes.Classes.Length; c++)
        {
            string dir = Path.Combine(folder, SyntheticScenes.Classes[c]);
            Directory.CreateDirectory(dir);
            for (int i = 0; i < perClass; i++)
            {
                WriteJpeg(Path.Combine(dir, $"{i:D5}.jpg"), SyntheticScenes.Draw(c, random));
            }
        }

        return perClass * SyntheticScenes.Classes.Length;
    }

    private static void WriteJpeg(string path, byte[] rgb)
    {
        string temp = path + ".tmp";
        using (var stream = File.Create(temp))
        {
            new ImageWriter().WriteJpg(rgb, SyntheticScenes.Size, SyntheticScenes.Size, ColorComponents.RedGreenBlue, stream, 90);
        }

        File.Move(temp, path, overwrite: true);
    }
}
