using ModelCompiler.Generator.Planning;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting;

/// <summary>
/// Writes the batch API of a generated class (<c>PredictBatch</c>, <c>PredictBatchLogits</c>) and the code that
/// spreads a batch over threads. A batch is N consecutive images; the calling thread and up to
/// <c>maxDegreeOfParallelism - 1</c> thread-pool tasks claim contiguous blocks of images from a shared counter, each
/// thread running the single-image path on its own <c>[ThreadStatic]</c> arena. Blocks rather than one task per image
/// keep the per-image cost at an interlocked add every few images; claiming them dynamically (a few blocks per
/// worker) rather than one fixed chunk each keeps a worker whose core is busy with other work from holding the call
/// up, and a helper task the pool starts late finds the work already done instead of delaying it. A call that can
/// only use one thread (a cap of 1, or a single image) runs inline with no task at all.
/// </summary>
internal static class BatchEmitter
{
    /// <summary>
    /// Blocks per worker: a thread slowed by other work near the end of a batch leaves at most one block (1/16 of a
    /// thread's share) to wait for; 4 and 16 measured the same on an idle machine.
    /// </summary>
    private const int BlocksPerWorker = 16;

    /// <summary>The public members for one input type (float values or byte pixels), written inside the API class.</summary>
    public static void WriteApi(SourceWriter w, ModelPlan plan, string type, string kernels)
    {
        string name = type == "float" ? "inputs" : "pixels";
        string memory = $"global::System.ReadOnlyMemory<{type}>";
        string batchClass = BatchClass(type);
        string threads = "/// <param name=\"maxDegreeOfParallelism\">The most threads the call uses, the calling thread included: -1 (the default) for one per core "
            + "(<see cref=\"global::System.Environment.ProcessorCount\"/>), 1 to run on the calling thread only, or any positive cap "
            + "(as ONNX Runtime's <c>intra_op_num_threads</c> or TensorFlow Lite's <c>SetNumThreads</c>). Never more threads than images.</param>";
        string images = $"/// <param name=\"{name}\">N images one after another, <see cref=\"InputLength\"/> values each, {(type == "float" ? "preprocessed float values" : "raw 8-bit pixels")}, every image laid out as for <c>Predict</c>.</param>";
        string lengthError = $"/// <exception cref=\"global::System.ArgumentException\">The length of <paramref name=\"{name}\"/> is not a multiple of <see cref=\"InputLength\"/>, or the output is too short.</exception>";
        string capError = "/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"maxDegreeOfParallelism\"/> is 0 or less than -1.</exception>";

        w.WriteLine("/// <summary>");
        w.WriteLine("/// Predicts the class of every image of a batch (each result equal to <c>Predict</c> on that image), spreading the images over");
        w.WriteLine("/// up to <paramref name=\"maxDegreeOfParallelism\"/> threads: the calling thread plus thread-pool tasks, each taking contiguous");
        w.WriteLine("/// blocks of images and using its own arena. Allocates a few hundred bytes per call for the tasks, nothing per image.");
        w.WriteLine("/// The buffers must not change until the call returns.");
        w.WriteLine("/// </summary>");
        w.WriteLine(images);
        w.WriteLine("/// <param name=\"predictions\">Receives the class index of image i at index i; at least N long.</param>");
        w.WriteLine(threads);
        w.WriteLine(lengthError);
        w.WriteLine(capError);
        using (w.OpenBlock($"public static void PredictBatch({memory} {name}, global::System.Memory<int> predictions, int maxDegreeOfParallelism = -1)"))
        {
            w.WriteLine($"int count = {kernels}.CheckBatch({name}.Length, nameof({name}), predictions.Length, 1, nameof(predictions), maxDegreeOfParallelism);");
            w.WriteLine($"{kernels}.{batchClass}.RunBatch({name}, predictions, default, count, maxDegreeOfParallelism, VectorBits);");
        }

        w.WriteLine();
        w.WriteLine("/// <summary>");
        w.WriteLine("/// Writes the pre-softmax output of every image of a batch" + (plan.OutputIsInt8 ? ", dequantized," : string.Empty) + " to <paramref name=\"logits\"/>: image i's");
        w.WriteLine("/// <see cref=\"ClassCount\"/> values at index i * ClassCount, each row equal bit for bit to <c>PredictLogits</c> on that image.");
        w.WriteLine("/// Threads as in <c>PredictBatch</c>.");
        w.WriteLine("/// </summary>");
        w.WriteLine(images);
        w.WriteLine("/// <param name=\"logits\">Receives N rows of <see cref=\"ClassCount\"/> values; at least N * ClassCount long.</param>");
        w.WriteLine(threads);
        w.WriteLine(lengthError);
        w.WriteLine(capError);
        using (w.OpenBlock($"public static void PredictBatchLogits({memory} {name}, global::System.Memory<float> logits, int maxDegreeOfParallelism = -1)"))
        {
            w.WriteLine($"int count = {kernels}.CheckBatch({name}.Length, nameof({name}), logits.Length, ClassCount, nameof(logits), maxDegreeOfParallelism);");
            w.WriteLine($"{kernels}.{batchClass}.RunBatch({name}, default, logits, count, maxDegreeOfParallelism, VectorBits);");
        }

        w.WriteLine();
    }

    /// <summary>The argument checks and one batch class per input type, written inside the file-local kernels class.</summary>
    public static void WriteKernels(SourceWriter w, ModelPlan plan)
    {
        string shape = $"{plan.InputHeight}x{plan.InputWidth}x{plan.InputChannels} in {plan.InputLayout.ToString().ToLowerInvariant()} order";
        w.WriteLine("/// <summary>Checks a batch call's arguments; returns its number of images.</summary>");
        using (w.OpenBlock("public static int CheckBatch(int inputLength, string inputName, int outputLength, int outputPerImage, string outputName, int maxDegreeOfParallelism)"))
        {
            w.WriteLine("if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1) throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "
                + "\"the thread cap must be -1 (one thread per core) or a positive number of threads\");");
            w.WriteLine($"int count = inputLength / {Int(plan.InputLength)};");
            using (w.OpenBlock($"if (inputLength % {Int(plan.InputLength)} != 0)"))
            {
                string message = $"{plan.ClassName} expects whole images of {plan.InputLength} input values ({shape}) one after another, but received ";
                w.WriteLine($"throw new ArgumentException({String(message)} + inputLength.ToString(global::System.Globalization.CultureInfo.InvariantCulture)");
                w.WriteLine($"    + \" values (\" + count.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \" images and \" + (inputLength % {Int(plan.InputLength)}).ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \" values more)\", inputName);");
            }

            w.WriteLine();
            using (w.OpenBlock("if (outputLength / outputPerImage < count)"))
            {
                w.WriteLine("throw new ArgumentException(\"the output must hold at least \" + ((long)count * outputPerImage).ToString(global::System.Globalization.CultureInfo.InvariantCulture)");
                w.WriteLine("    + \" values (\" + outputPerImage.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \" per image for \" + count.ToString(global::System.Globalization.CultureInfo.InvariantCulture)");
                w.WriteLine("    + \" images) but holds \" + outputLength.ToString(global::System.Globalization.CultureInfo.InvariantCulture), outputName);");
            }

            w.WriteLine("return count;");
        }

        w.WriteLine();
        w.WriteLine("/// <summary>Threads a batch uses: the cap (-1: one per core), never more than its images.</summary>");
        using (w.OpenBlock("public static int BatchWorkers(int count, int maxDegreeOfParallelism)"))
        {
            w.WriteLine("int cap = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;");
            w.WriteLine("return Math.Min(cap, count);");
        }

        w.WriteLine();
        foreach (var type in new[] { "float", "byte" })
        {
            WriteBatchClass(w, plan, type);
        }
    }

    private static string BatchClass(string type) => type == "float" ? "FloatBatch" : "PixelBatch";

    private static void WriteBatchClass(SourceWriter w, ModelPlan plan, string type)
    {
        string name = BatchClass(type);
        string length = Int(plan.InputLength);
        string classes = Int(plan.ClassCount);
        w.WriteLine($"/// <summary>One batch call over {(type == "float" ? "float inputs" : "byte pixels")}, shared by its threads: the buffers and the first image no thread has claimed yet.</summary>");
        using (w.OpenBlock($"public sealed class {name}"))
        {
            w.WriteLine($"private readonly ReadOnlyMemory<{type}> inputs;");
            w.WriteLine("private readonly Memory<int> predictions;");
            w.WriteLine("private readonly Memory<float> logits;");
            w.WriteLine("private readonly int count;");
            w.WriteLine("private readonly int block;");
            w.WriteLine("private readonly int vectorBits;");
            w.WriteLine("private long next;");
            w.WriteLine();
            using (w.OpenBlock($"private {name}(ReadOnlyMemory<{type}> inputs, Memory<int> predictions, Memory<float> logits, int count, int block, int vectorBits)"))
            {
                w.WriteLine("this.inputs = inputs;");
                w.WriteLine("this.predictions = predictions;");
                w.WriteLine("this.logits = logits;");
                w.WriteLine("this.count = count;");
                w.WriteLine("this.block = block;");
                w.WriteLine("this.vectorBits = vectorBits;");
            }

            w.WriteLine();
            w.WriteLine("/// <summary>Runs a checked batch of <paramref name=\"count\"/> images: class indices into <paramref name=\"predictions\"/>, or logit rows into <paramref name=\"logits\"/> when it is not empty.</summary>");
            using (w.OpenBlock($"public static void RunBatch(ReadOnlyMemory<{type}> inputs, Memory<int> predictions, Memory<float> logits, int count, int maxDegreeOfParallelism, int vectorBits)"))
            {
                w.WriteLine("int workers = BatchWorkers(count, maxDegreeOfParallelism);");
                using (w.OpenBlock("if (workers <= 1)"))
                {
                    w.WriteLine("Predict(inputs.Span, predictions.Span, logits.Span, 0, count, vectorBits);");
                    w.WriteLine("return;");
                }

                w.WriteLine();
                w.WriteLine($"long blocks = (long)workers * {Int(BlocksPerWorker)};");
                w.WriteLine($"var batch = new {name}(inputs, predictions, logits, count, (int)((count + blocks - 1) / blocks), vectorBits);");
                w.WriteLine("var helpers = new global::System.Threading.Tasks.Task[workers - 1];");
                using (w.OpenBlock("for (int t = 0; t < helpers.Length; t++)"))
                {
                    w.WriteLine($"helpers[t] = global::System.Threading.Tasks.Task.Factory.StartNew(static state => (({name})state!).Work(), batch, global::System.Threading.CancellationToken.None,");
                    w.WriteLine("    global::System.Threading.Tasks.TaskCreationOptions.DenyChildAttach, global::System.Threading.Tasks.TaskScheduler.Default);");
                }

                w.WriteLine();
                w.WriteLine("// The caller works too; the finally keeps any helper from writing into the buffers after the call has returned.");
                using (w.OpenBlock("try"))
                {
                    w.WriteLine("batch.Work();");
                }

                using (w.OpenBlock("finally"))
                {
                    w.WriteLine("global::System.Threading.Tasks.Task.WaitAll(helpers);");
                }
            }

            w.WriteLine();
            w.WriteLine("/// <summary>Claims blocks of consecutive images until none is left.</summary>");
            using (w.OpenBlock("private void Work()"))
            {
                w.WriteLine($"ReadOnlySpan<{type}> x = inputs.Span;");
                w.WriteLine("Span<int> p = predictions.Span;");
                w.WriteLine("Span<float> l = logits.Span;");
                using (w.OpenBlock("while (true)"))
                {
                    w.WriteLine("// long: past the end every thread adds one more block, which must not wrap for a batch near int.MaxValue images.");
                    w.WriteLine("long start = global::System.Threading.Interlocked.Add(ref next, block) - block;");
                    w.WriteLine("if (start >= count) return;");
                    w.WriteLine("Predict(x, p, l, (int)start, (int)Math.Min(start + block, count), vectorBits);");
                }
            }

            w.WriteLine();
            w.WriteLine("/// <summary>Images [start, end) on the calling thread's arena.</summary>");
            using (w.OpenBlock($"private static void Predict(ReadOnlySpan<{type}> x, Span<int> predictions, Span<float> logits, int start, int end, int vectorBits)"))
            {
                w.WriteLine("bool scores = !logits.IsEmpty;");
                using (w.OpenBlock("for (int i = start; i < end; i++)"))
                {
                    w.WriteLine($"ref byte arena = ref {plan.ClassName}Kernels.Run(x.Slice(i * {length}, {length}), vectorBits, null, 0);");
                    w.WriteLine($"if (scores) Scores(ref arena, logits.Slice(i * {classes}, {classes}));");
                    w.WriteLine("else predictions[i] = ArgMax(ref arena);");
                }
            }
        }

        w.WriteLine();
    }
}
