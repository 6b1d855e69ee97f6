namespace ModelCompiler.Trainer.Tests;

[Trait("Category", "Slow")]
public sealed class MissingDatasetTests
{
    [Fact]
    public void A_missing_fashion_mnist_prints_the_install_hint_and_no_stack_trace()
    {
        using var folder = new TestFolder();
        var (code, output) = CliRunner.Run("train", "--fashion-mnist-dir", folder.File("nowhere"), "-o", folder.File("m.tsm"));
        Assert.Equal(1, code);
        Assert.Contains("apt-get install dataset-fashion-mnist", output);
        Assert.DoesNotContain("   at ", output);
        Assert.False(File.Exists(folder.File("m.tsm")));
    }

    [Fact]
    public void A_missing_image_folder_and_an_unknown_model_are_one_line_errors()
    {
        using var folder = new TestFolder();
        var (code, output) = CliRunner.Run("train", "--model", "intel-cnn", "--data-dir", folder.File("none"), "-o", folder.File("m.tsm"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", output);
        Assert.DoesNotContain("   at ", output);

        (code, output) = CliRunner.Run("train", "--model", "no-such-model");
        Assert.Equal(1, code);
        Assert.Contains("no-such-model", output);
    }
}
