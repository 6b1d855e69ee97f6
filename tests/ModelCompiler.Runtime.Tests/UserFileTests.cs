using ModelCompiler.Interpreter;
using ModelCompiler.IO;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests;

/// <summary>
/// Files a hostile user can name instead of a model: a device that never ends, a 3 GB file, a symbolic link loop, a
/// folder, a missing folder on output. Each is one <see cref="UserFileException"/> naming the file and the reason,
/// read with bounded memory.
/// </summary>
public sealed class UserFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("userfile-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ASymbolicLinkToDevZeroIsTooLargeAfterTheLimitNotOutOfMemory()
    {
        string path = Link("zero.qmodel", "/dev/zero");
        const long limit = 1 << 20;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<UserFileException>(() => QModelFile.Read(path, limit));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        AssertOneLine(error, path, UserFileProblem.TooLarge);
        Assert.Contains("holds more than the limit of 1,048,576 bytes for a .qmodel file (it reports no size: a device or a pipe?)", error.Message);
        Assert.True(allocated < 3 * limit, $"allocated {allocated:N0} bytes reading /dev/zero with a {limit:N0}-byte limit");
    }

    [Fact]
    public void TheDefaultLimitAlsoStopsDevZero()
    {
        var error = Assert.Throws<UserFileException>(() => ReferenceInterpreter.Load(Link("zero.qmodel", "/dev/zero")));
        Assert.Equal(UserFileProblem.TooLarge, error.Problem);
        Assert.Contains(UserFile.Bytes(QModelFile.DefaultMaxBytes), error.Message);
    }

    [Fact]
    public void AThreeGigabyteFileIsRefusedFromItsSizeWithoutReadingIt()
    {
        string path = Path.Combine(folder, "big.qmodel");
        using (var stream = File.Create(path))
        {
            stream.SetLength(3L << 30); // sparse: no disk space, no time
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<UserFileException>(() => QModelFile.Read(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        AssertOneLine(error, path, UserFileProblem.TooLarge);
        Assert.Contains("is 3,221,225,472 bytes, over the limit of 268,435,456 bytes for a .qmodel file", error.Message);
    }

    [Fact]
    public void AFileAtTheLimitIsReadAndOneByteMoreIsNot()
    {
        string path = Path.Combine(folder, "exact.bin");
        File.WriteAllBytes(path, new byte[1000]);
        Assert.Equal(1000, UserFile.ReadAllBytes(path, 1000, "a test file").Length);
        var error = Assert.Throws<UserFileException>(() => UserFile.ReadAllBytes(path, 999, "a test file"));
        Assert.Equal("is 1,000 bytes, over the limit of 999 bytes for a test file", error.Reason);
    }

    [Fact]
    public void AFileThatReportsNoSizeIsReadWhole()
    {
        byte[] status = UserFile.ReadAllBytes("/proc/self/status", 1 << 20, "a test file");
        Assert.Contains("VmRSS", System.Text.Encoding.ASCII.GetString(status));
        Assert.Empty(UserFile.ReadAllBytes("/dev/null", 10, "a test file"));
    }

    [Fact]
    public void ASymbolicLinkLoopIsNamedAsOne()
    {
        Link("b.qmodel", Path.Combine(folder, "a.qmodel"));
        string path = Link("a.qmodel", Path.Combine(folder, "b.qmodel"));
        var error = Assert.Throws<UserFileException>(() => QModelFile.Read(path));
        AssertOneLine(error, path, UserFileProblem.SymbolicLinkLoop);
        Assert.Contains("too many levels of symbolic links", error.Message);
    }

    [Fact]
    public void AFolderNamedLikeAModelIsAFolderNotAccessDenied()
    {
        string path = Directory.CreateDirectory(Path.Combine(folder, "x.qmodel")).FullName;
        var error = Assert.Throws<UserFileException>(() => QModelFile.Read(path));
        AssertOneLine(error, path, UserFileProblem.IsFolder);
        Assert.EndsWith(": is a folder, not a file", error.Message);
    }

    [Fact]
    public void MissingFilesAndDanglingLinksAreNotFound()
    {
        AssertOneLine(Assert.Throws<UserFileException>(() => QModelFile.Read(Path.Combine(folder, "none.qmodel"))), Path.Combine(folder, "none.qmodel"), UserFileProblem.NotFound);
        string dangling = Link("dangling.qmodel", Path.Combine(folder, "nowhere"));
        AssertOneLine(Assert.Throws<UserFileException>(() => QModelFile.Read(dangling)), dangling, UserFileProblem.NotFound);
        string deep = Path.Combine(folder, "no", "such", "x.qmodel");
        AssertOneLine(Assert.Throws<UserFileException>(() => QModelFile.Read(deep)), deep, UserFileProblem.NotFound);
    }

    [Fact]
    public void WritingIntoAMissingFolderNamesTheTargetNotTheTemporaryFile()
    {
        string path = Path.Combine(folder, "missing", "stem.qmodel");
        var error = Assert.Throws<UserFileException>(() => QModelFile.WriteAtomic(path, RandomModels.Create(new CsCheck.PCG(3))));
        AssertOneLine(error, path, UserFileProblem.NotFound);
        Assert.Contains($"folder {Path.Combine(folder, "missing")} does not exist", error.Message);
        Assert.DoesNotContain(".tmp", error.Message);
    }

    [Fact]
    public void WritingOverAFolderIsRefusedAndLeavesNoTemporaryFile()
    {
        string path = Directory.CreateDirectory(Path.Combine(folder, "taken.qmodel")).FullName;
        var error = Assert.Throws<UserFileException>(() => UserFile.WriteAtomic(path, t => File.WriteAllText(t, "x")));
        AssertOneLine(error, path, UserFileProblem.IsFolder);
        Assert.Equal([path], Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTemporary()
    {
        string path = Path.Combine(folder, "keep.txt");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => UserFile.WriteAtomic(path, t =>
        {
            File.WriteAllText(t, "half");
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void ControlCharactersInThePathAreEscapedInTheMessage()
    {
        string path = Path.Combine(folder, "evil\u001b[2J\nname.qmodel");
        var error = Assert.Throws<UserFileException>(() => QModelFile.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("evil\\u001b[2J\\nname.qmodel", error.Message);
        Assert.DoesNotContain(error.Message, c => char.IsControl(c));
    }

    [Fact]
    public void TextThatIsNotUtf8IsUnreadableWithTheOffset()
    {
        string path = Path.Combine(folder, "latin1.json");
        File.WriteAllBytes(path, [(byte)'{', 0xE9, (byte)'}']);
        var error = Assert.Throws<UserFileException>(() => UserFile.ReadAllText(path, 100, "a JSON file"));
        Assert.Equal(UserFileProblem.Unreadable, error.Problem);
        Assert.Contains("offset 1", error.Message);
    }

    [Fact]
    public void CheckReadableRefusesDevicesEmptyFilesAndFolders()
    {
        string file = Path.Combine(folder, "weights.bin");
        File.WriteAllBytes(file, new byte[123]);
        Assert.Equal(123, UserFile.CheckReadable(file, "weights"));
        File.WriteAllBytes(Path.Combine(folder, "empty.bin"), []);
        Assert.Equal("is empty, not weights", Assert.Throws<UserFileException>(() => UserFile.CheckReadable(Path.Combine(folder, "empty.bin"), "weights")).Reason);
        Assert.Equal(
            "reports no size but holds data (a device or a pipe?), not weights",
            Assert.Throws<UserFileException>(() => UserFile.CheckReadable(Link("zero.bin", "/dev/zero"), "weights")).Reason);
        Assert.Equal(UserFileProblem.IsFolder, Assert.Throws<UserFileException>(() => UserFile.CheckReadable(folder, "weights")).Problem);
    }

    private string Link(string name, string target)
    {
        string path = Path.Combine(folder, name);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    private static void AssertOneLine(UserFileException error, string path, UserFileProblem problem)
    {
        Assert.Equal(problem, error.Problem);
        Assert.StartsWith(path + ": ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.IsAssignableFrom<IOException>(error);
    }
}
