using System.Reflection;
using System.Runtime.Loader;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelCompiler.Format;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// A model as a build compiles it: its text (QModelWriter) through the generator, the generated files (the model's and
/// the assembly's shared kernels) compiled with Roslyn against the .NET 10 reference assemblies (warnings reported)
/// together with a small harness exposing array-based entry points, loaded into a collectible AssemblyLoadContext.
/// </summary>
public sealed class CompiledModel : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Type _harness;

    private CompiledModel(AssemblyLoadContext context, Type harness, bool outputIsInt8, string source)
    {
        _context = context;
        _harness = harness;
        Source = source;
        Predict = Method<Func<float[], int>>("Predict");
        PredictPixels = Method<Func<byte[], int>>("PredictPixels");
        Logits = Method<Action<float[], float[]>>("Logits");
        LogitsPixels = Method<Action<byte[], float[]>>("LogitsPixels");
        Probabilities = Method<Action<float[], float[]>>("Probabilities");
        Label = Method<Func<float[], string>>("Label");
        SetVectorBits = Method<Action<int>>("SetVectorBits");
        SetIntraOp = Method<Action<int, long>>("SetIntraOp");
        SetIntraOpThreads = Method<Action<int>>("SetIntraOpThreads");
        IntraOpDispatched = Method<Func<long>>("IntraOpDispatched");
        AllocatedBytes = Method<Func<float[], byte[], int, long>>("AllocatedBytes");
        Labels = Method<Func<IReadOnlyList<string>>>("Labels");
        PredictBatch = Method<Action<float[], int[], int>>("PredictBatch");
        PredictBatchPixels = Method<Action<byte[], int[], int>>("PredictBatchPixels");
        BatchLogits = Method<Action<float[], float[], int>>("BatchLogits");
        BatchLogitsPixels = Method<Action<byte[], float[], int>>("BatchLogitsPixels");
        BatchAllocatedBytes = Method<Func<float[], byte[], int[], int, int, bool, long>>("BatchAllocatedBytes");
        if (outputIsInt8)
        {
            QuantizedLogits = Method<Action<float[], sbyte[]>>("QuantizedLogits");
            QuantizedLogitsPixels = Method<Action<byte[], sbyte[]>>("QuantizedLogitsPixels");
        }
    }

    public string Source { get; }

    public Func<float[], int> Predict { get; }

    public Func<byte[], int> PredictPixels { get; }

    public Action<float[], float[]> Logits { get; }

    public Action<byte[], float[]> LogitsPixels { get; }

    public Action<float[], float[]> Probabilities { get; }

    public Func<float[], string> Label { get; }

    public Action<float[], sbyte[]>? QuantizedLogits { get; }

    public Action<byte[], sbyte[]>? QuantizedLogitsPixels { get; }

    /// <summary>Sets the generated class's VectorBits (512, 256, 128, 0 = scalar).</summary>
    public Action<int> SetVectorBits { get; }

    /// <summary>Sets the generated class's IntraOpMinimumMacs (0 splits every splittable layer), then IntraOpThreads (which reads it).</summary>
    public Action<int, long> SetIntraOp { get; }

    /// <summary>Sets only IntraOpThreads: the default size rule decides which layers split.</summary>
    public Action<int> SetIntraOpThreads { get; }

    /// <summary>Jobs the class's intra-op pool has handed to its workers, or -1 when the class holds no pool.</summary>
    public Func<long> IntraOpDispatched { get; }

    /// <summary>Bytes allocated on this thread by N calls of each Predict overload after one warm-up call.</summary>
    public Func<float[], byte[], int, long> AllocatedBytes { get; }

    public Func<IReadOnlyList<string>> Labels { get; }

    /// <summary>PredictBatch(float inputs, predictions, maxDegreeOfParallelism).</summary>
    public Action<float[], int[], int> PredictBatch { get; }

    /// <summary>PredictBatch(byte pixels, predictions, maxDegreeOfParallelism).</summary>
    public Action<byte[], int[], int> PredictBatchPixels { get; }

    /// <summary>PredictBatchLogits(float inputs, logits, maxDegreeOfParallelism).</summary>
    public Action<float[], float[], int> BatchLogits { get; }

    /// <summary>PredictBatchLogits(byte pixels, logits, maxDegreeOfParallelism).</summary>
    public Action<byte[], float[], int> BatchLogitsPixels { get; }

    /// <summary>
    /// Bytes allocated by all threads of the process (GC.GetTotalAllocatedBytes, precise) or by the calling thread only
    /// over N calls of both PredictBatch overloads with the given cap, after two warm-up calls.
    /// </summary>
    public Func<float[], byte[], int[], int, int, bool, long> BatchAllocatedBytes { get; }

    /// <summary>The consuming assembly's name (each compiled model is its own assembly).</summary>
    public const string AssemblyName = "Consumer";

    /// <summary>Writes, generates and compiles <paramref name="model"/>; fails the test on any generator or compiler diagnostic.</summary>
    public static CompiledModel Build(QModel model, string @namespace = "Test.Models")
    {
        var driver = GeneratorHarness.Driver([new GeneratorHarness.ModelFile(model.Name + ".qmodel", QModelWriter.Write(model))], @namespace);
        var result = driver.RunGenerators(GeneratorHarness.Compilation()).GetRunResult();
        Assert.True(result.Diagnostics.IsEmpty, string.Join("\n", result.Diagnostics));
        var run = Assert.Single(result.Results);
        string source = Assert.Single(GeneratorHarness.ModelSources(run)).SourceText.ToString();
        return FromSource(model, @namespace, source, GeneratorHarness.KernelSource(run)!.Value.SourceText.ToString());
    }

    /// <summary>Compiles a generated model file (of <paramref name="model"/>, in <paramref name="namespace"/>) with its assembly's shared kernels file.</summary>
    public static CompiledModel FromSource(QModel model, string @namespace, string source, string kernels)
    {
        var tensors = TensorChain.Infer(model);
        bool outputIsInt8 = tensors[model.Layers[^1] is SoftmaxLayer ? tensors.Length - 2 : tensors.Length - 1].Kind == ElementKind.Int8;
        string type = (@namespace.Length > 0 ? "global::" + @namespace + "." : "global::") + model.Name;
        string quantized = outputIsInt8
            ? $$"""
                public static void QuantizedLogits(float[] x, sbyte[] y) => {{type}}.PredictQuantizedLogits(x, y);
                public static void QuantizedLogitsPixels(byte[] p, sbyte[] y) => {{type}}.PredictQuantizedLogits(new global::System.ReadOnlySpan<byte>(p), y);
            """
            : string.Empty;
        string harnessSource = $$"""
            namespace TestHarness;
            public static class Harness
            {
                public static int Predict(float[] x) => {{type}}.Predict(x);
                public static int PredictPixels(byte[] p) => {{type}}.Predict(new global::System.ReadOnlySpan<byte>(p));
                public static void Logits(float[] x, float[] y) => {{type}}.PredictLogits(x, y);
                public static void LogitsPixels(byte[] p, float[] y) => {{type}}.PredictLogits(new global::System.ReadOnlySpan<byte>(p), y);
                public static void Probabilities(float[] x, float[] y) => {{type}}.PredictProbabilities(x, y);
                public static string Label(float[] x) => {{type}}.PredictLabel(x);
                public static void SetVectorBits(int bits) => {{type}}.VectorBits = bits;
                public static void SetIntraOp(int threads, long minimumMacs)
                {
                    {{type}}.IntraOpMinimumMacs = minimumMacs;
                    {{type}}.IntraOpThreads = threads;
                }
                public static void SetIntraOpThreads(int threads) => {{type}}.IntraOpThreads = threads;
                public static long IntraOpDispatched()
                {
                    var pool = typeof({{type}}).GetField("s_intraOpPool", global::System.Reflection.BindingFlags.NonPublic | global::System.Reflection.BindingFlags.Static)!.GetValue(null);
                    return pool is null ? -1 : (long)pool.GetType().GetProperty("Dispatched")!.GetValue(pool)!;
                }
                public static global::System.Collections.Generic.IReadOnlyList<string> Labels() => {{type}}.Labels;
                {{quantized}}
                public static void PredictBatch(float[] x, int[] y, int threads) => {{type}}.PredictBatch(x, y, threads);
                public static void PredictBatchPixels(byte[] p, int[] y, int threads) => {{type}}.PredictBatch(p, y, threads);
                public static void BatchLogits(float[] x, float[] y, int threads) => {{type}}.PredictBatchLogits(x, y, threads);
                public static void BatchLogitsPixels(byte[] p, float[] y, int threads) => {{type}}.PredictBatchLogits(p, y, threads);
                public static long BatchAllocatedBytes(float[] x, byte[] p, int[] y, int threads, int calls, bool allThreads)
                {
                    {{type}}.PredictBatch(x, y, threads);
                    {{type}}.PredictBatch(p, y, threads);
                    long before = allThreads ? global::System.GC.GetTotalAllocatedBytes(precise: true) : global::System.GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < calls; i++)
                    {
                        {{type}}.PredictBatch(x, y, threads);
                        {{type}}.PredictBatch(p, y, threads);
                    }

                    return (allThreads ? global::System.GC.GetTotalAllocatedBytes(precise: true) : global::System.GC.GetAllocatedBytesForCurrentThread()) - before;
                }

                public static long AllocatedBytes(float[] x, byte[] p, int calls)
                {
                    int sink = {{type}}.Predict(x) + {{type}}.Predict(new global::System.ReadOnlySpan<byte>(p));
                    long before = global::System.GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < calls; i++)
                    {
                        sink += {{type}}.Predict(x);
                        sink += {{type}}.Predict(new global::System.ReadOnlySpan<byte>(p));
                    }

                    long allocated = global::System.GC.GetAllocatedBytesForCurrentThread() - before;
                    return sink < 0 ? -1 : allocated;
                }
            }
            """;
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        // A name of its own per compiled model (as before the shared kernels): many of these assemblies are loaded
        // and unloaded in one test process; the kernels' namespace is the generating compilation's, Assembly_Consumer.
        var compilation = CSharpCompilation.Create(
            "Generated_" + model.Name + "_" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, parse, "Generated.g.cs"), CSharpSyntaxTree.ParseText(kernels, parse, "Kernels.g.cs"), CSharpSyntaxTree.ParseText(harnessSource, parse, "Harness.cs")],
            Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable,
                // Consumers may build with CheckForOverflowUnderflow: the generated code must not depend on the default.
                checkOverflow: true));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(result.Success && problems.Count == 0, "generated code does not compile cleanly:\n" + string.Join("\n", problems.Take(20)));
        stream.Position = 0;
        // Not collectible: generated classes keep [ThreadStatic] arenas, and thread-pool threads that ran a batch hold them.
        // With collectible contexts unloaded during the run, the generator suite crashed its test host twice and once
        // gave a wrong int8 output in parallel full runs (never in isolated runs); a thread-static slot reused after an
        // unload would hand a model another model's smaller arena. Kept loaded until the process ends instead.
        var context = new AssemblyLoadContext("Generated_" + model.Name + "_" + Guid.NewGuid().ToString("N"), isCollectible: false);
        var assembly = context.LoadFromStream(stream);
        return new CompiledModel(context, assembly.GetType("TestHarness.Harness", throwOnError: true)!, outputIsInt8, source);
    }

    private T Method<T>(string name) where T : Delegate =>
        _harness.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<T>();

    public void Dispose()
    {
        // Nothing to release: see the note where the load context is made.
    }
}
