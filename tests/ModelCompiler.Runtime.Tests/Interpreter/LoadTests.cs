using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.IO;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests.Interpreter;

public sealed class LoadTests
{
    [Fact]
    public void LoadsAFileAndRunsItLikeTheInMemoryModel()
    {
        var model = RandomModels.Create(new CsCheck.PCG(7));
        string path = Path.Combine(Path.GetTempPath(), $"load-{Guid.NewGuid():N}.qmodel");
        try
        {
            QModelFile.WriteAtomic(path, model);
            var loaded = ReferenceInterpreter.Load(path);
            var direct = new ReferenceInterpreter(model);
            var input = Enumerable.Range(0, direct.InputLength).Select(i => (i % 17) / 16f).ToArray();
            Assert.Equal(direct.Run(input).Scores.Select(BitConverter.SingleToInt32Bits), loaded.Run(input).Scores.Select(BitConverter.SingleToInt32Bits));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMalformedFileIsAFormatErrorWithItsLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"load-{Guid.NewGuid():N}.qmodel");
        try
        {
            File.WriteAllText(path, "qmodel 3\n");
            var error = Assert.Throws<QModelFormatException>(() => ReferenceInterpreter.Load(path));
            Assert.Equal(QModelError.UnsupportedVersion, error.Code);
            Assert.Equal(1, error.Line);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
