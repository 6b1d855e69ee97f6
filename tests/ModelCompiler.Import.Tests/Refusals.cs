namespace ModelCompiler.Import.Tests;

/// <summary>Reads a model that must be refused and returns its problems.</summary>
internal static class Refusals
{
    public static IReadOnlyList<ImportProblem> Of(string path) =>
        Assert.Throws<ModelImportException>(() => ModelImporter.Read(path)).Problems;

    public static IReadOnlyList<ImportProblem> Of(byte[] data, string name = "test model.tflite") =>
        Assert.Throws<ModelImportException>(() => ModelImporter.Read(data, name, tfliteByName: name.EndsWith(".tflite", StringComparison.Ordinal))).Problems;

    /// <summary>Asserts exactly one problem, at <paramref name="location"/> (a prefix) with <paramref name="attribute"/>, whose message contains <paramref name="text"/>.</summary>
    public static void AssertSingle(IReadOnlyList<ImportProblem> problems, string location, string? attribute, string text)
    {
        var problem = Assert.Single(problems);
        Assert.StartsWith(location, problem.Location);
        Assert.Equal(attribute, problem.Attribute);
        Assert.Contains(text, problem.Message);
    }
}
