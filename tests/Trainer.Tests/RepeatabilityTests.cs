using System.Diagnostics;
using System.Text.Json;

namespace ModelCompiler.Trainer.Tests;

[Trait("Category", "Slow")]
public sealed class RepeatabilityTests
{
    /// <summary>Separate processes, because per-process randomisation (e.g. HashCode) is invisible inside one.</summary>
    [Fact]
    public void Two_processes_with_the_same_seed_train_identically()
    {
        using var folder = new TestFolder();
        string[] histories = new string[2];
        for (int run = 0; run < 2; run++)
        {
            string output = folder.File($"run{run}.tsm");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    "exec", Path.Combine(AppContext.BaseDirectory, "modelc-train.dll"), "train", "--train-limit=640", "--test-limit=100",
                    "--epochs", "2", "--augment", "--seed", "77", "-o", output,
                },
            };
            using var process = Process.Start(start)!;
            string printed = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, printed);
            using var json = JsonDocument.Parse(File.ReadAllText(output + ".json"));
            histories[run] = string.Join(";", json.RootElement.GetProperty("history").EnumerateArray()
                .Select(e => $"{e.GetProperty("loss").GetDouble():R},{e.GetProperty("validation_accuracy").GetDouble():R}"));
        }

        Assert.Equal(histories[0], histories[1]);
    }
}
