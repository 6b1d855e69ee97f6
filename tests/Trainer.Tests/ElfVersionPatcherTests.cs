using ModelCompiler.Trainer.Native;

namespace ModelCompiler.Trainer.Tests;

public sealed class ElfVersionPatcherTests
{
    private static string PackageCopy()
    {
        string home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(home, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void Marks_only_the_glibcxx_3_4_32_requirement_weak_idempotently()
    {
        string original = PackageCopy();
        Assert.True(File.Exists(original), $"{original} not restored");
        using var folder = new TestFolder();
        string copy = folder.File("libLibTorchSharp.so");
        File.Copy(original, copy);
        byte[] before = File.ReadAllBytes(copy);
        var entries = ElfVersionPatcher.FindVernaux(before, TorchRuntime.UnneededVersion);
        Assert.Single(entries);
        Assert.False(ElfVersionPatcher.IsWeak(before, TorchRuntime.UnneededVersion));

        Assert.Equal(ElfVersionPatcher.Outcome.Patched, ElfVersionPatcher.MarkWeak(copy, TorchRuntime.UnneededVersion));
        byte[] after = File.ReadAllBytes(copy);
        Assert.True(ElfVersionPatcher.IsWeak(after, TorchRuntime.UnneededVersion));
        var differing = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.Equal([entries[0]], differing);
        Assert.Equal(before[entries[0]] | 2, after[entries[0]]);

        Assert.Equal(ElfVersionPatcher.Outcome.AlreadyWeak, ElfVersionPatcher.MarkWeak(copy, TorchRuntime.UnneededVersion));
        Assert.Equal(after, File.ReadAllBytes(copy));
        Assert.Equal(ElfVersionPatcher.Outcome.NotRequired, ElfVersionPatcher.MarkWeak(copy, "GLIBCXX_9.9.99"));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
        Assert.Equal(before, File.ReadAllBytes(original));
    }

    [Fact]
    public void Rejects_files_that_are_not_64_bit_elf()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.FindVernaux(new byte[100], "GLIBCXX_3.4.32"));
        var truncated = File.ReadAllBytes(PackageCopy())[..4096];
        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.FindVernaux(truncated, "GLIBCXX_3.4.32"));
    }
}
