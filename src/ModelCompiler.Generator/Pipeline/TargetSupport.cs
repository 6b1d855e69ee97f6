using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>
/// Whether the consuming compilation can compile the generated code: C# 11 (file-local types, zero-copy
/// <c>ReadOnlySpan&lt;int&gt;</c> tables via RuntimeHelpers.CreateSpan) and .NET 8 (Vector512). Plain data, so an edit
/// elsewhere in the project leaves it equal and the model steps cached.
/// </summary>
internal sealed record TargetSupport(bool LanguageVersionOk, bool VectorsOk, bool CreateSpanOk)
{
    public const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp11;

    public bool IsSupported => LanguageVersionOk && VectorsOk && CreateSpanOk;

    public static TargetSupport From(Compilation compilation) => new(
        compilation is not CSharpCompilation csharp || csharp.LanguageVersion >= MinimumLanguageVersion,
        compilation.GetTypeByMetadataName("System.Runtime.Intrinsics.Vector512`1") is not null,
        compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.RuntimeHelpers")?.GetMembers("CreateSpan").Length > 0);

    public string Problem => !LanguageVersionOk
        ? "the generated model code needs C# 11 or later (LangVersion)"
        : "the generated model code needs .NET 8 or later (System.Runtime.Intrinsics.Vector512 and RuntimeHelpers.CreateSpan)";
}
