using System.Reflection;
using System.Runtime.Loader;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelCompiler.Generator.Emitting;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// Weights reach generated code as string literals read in place (<see cref="Literals.WriteDataLiteral"/>): every byte
/// pair must come back from the compiled assembly unchanged, including the pairs that are lone UTF-16 surrogates,
/// control characters, quotes and backslashes, which a decoding or normalising step anywhere would alter.
/// </summary>
public sealed class DataLiteralTests
{
    [Fact]
    public void EveryCodeUnitAndAnOddTailRoundTripThroughTheCompiler()
    {
        var bytes = new byte[2 * 65536 + 1];
        for (int unit = 0; unit < 65536; unit++)
        {
            bytes[2 * unit] = (byte)unit;
            bytes[2 * unit + 1] = (byte)(unit >> 8);
        }

        bytes[^1] = 0xA7;
        Assert.Equal(bytes, RoundTrip(bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void ShortBlocksKeepTheirBytesAndReadAsOtherTypes(int length)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)(0x81 + 37 * i)).ToArray();
        Assert.Equal(bytes, RoundTrip(bytes));
    }

    private static byte[] RoundTrip(byte[] bytes)
    {
        var w = new SourceWriter();
        w.WriteLine("using System;");
        w.WriteLine("using System.Runtime.CompilerServices;");
        w.WriteLine("using System.Runtime.InteropServices;");
        w.WriteLine("public static class Data");
        w.WriteLine("{");
        Literals.WriteDataLiteral(w, "Block", bytes, "test data.");
        w.WriteLine($"public static byte[] Copy() {{ ref byte first = {Literals.DataReference("Block", "byte")}; return MemoryMarshal.CreateReadOnlySpan(ref first, {bytes.Length}).ToArray(); }}");
        w.WriteLine("}");
        var compilation = CSharpCompilation.Create(
            "DataLiteral" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(w.ToString(), new CSharpParseOptions(LanguageVersion.CSharp11))],
            Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        Assert.DoesNotContain(emitted.Diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        image.Position = 0;
        var context = new AssemblyLoadContext(null, isCollectible: true);
        try
        {
            var type = context.LoadFromStream(image).GetType("Data")!;
            return (byte[])type.GetMethod("Copy", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }
}
