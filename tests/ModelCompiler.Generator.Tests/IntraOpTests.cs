using ModelCompiler.Format;
using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>
/// One image on several threads (<c>IntraOpThreads</c>): with the size threshold at 0 every splittable layer runs
/// through the pool, and the outputs must still be the interpreter's bit for bit on every vector path; several threads
/// calling at once (so that some find the workers busy and run inline) all get the single-thread answers. The
/// allocation counts are RuntimeBehaviourTests' (calling thread) and IntraOpAllocationTests' (every thread).
/// </summary>
public sealed class IntraOpTests
{
    private const int Inputs = 60;

    public static IEnumerable<object[]> Models =>
    [
        ["seven-bit 1", VectorPaths.Description],
        ["seven-bit 2", VectorPaths.Description],
        ["seven-bit 3", VectorPaths.Description],
        ["int8 4", VectorPaths.Description],
        ["fashion 5", VectorPaths.Description],
        ["mobilenet 6", VectorPaths.Description],
        ["residual 7", VectorPaths.Description],
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void ThreadedPredictMatchesTheInterpreter(string which, string paths)
    {
        var model = Model(which);
        using var compiled = CompiledModel.Build(model);
        compiled.SetIntraOp(2, 0);
        Assert.Contains("pool.Run(", compiled.Source);
        BitExactness.Check(model, compiled, Inputs, which.Length, paths);
        compiled.SetIntraOp(3, 0);
        BitExactness.Check(model, compiled, Inputs / 3, which.Length + 1, paths);
    }

    [Fact]
    public void ConcurrentThreadedCallersGetTheSingleThreadAnswers()
    {
        var model = new TestModels(54) { SevenBitWeights = true }.FashionCnn();
        using var compiled = CompiledModel.Build(model);
        var random = new Random(4);
        var inputs = Enumerable.Range(0, 16).Select(_ => BitExactness.RandomInput(random, model.InputShape.Length, allowSpecial: false)).ToArray();
        var expected = inputs.Select(x =>
        {
            var logits = new float[model.Labels.Count];
            compiled.Logits(x, logits);
            return logits;
        }).ToArray();

        compiled.SetIntraOp(2, 0);
        const int Callers = 4;
        using var start = new Barrier(Callers);
        var failures = new int[Callers];
        var threads = Enumerable.Range(0, Callers).Select(t => new Thread(() =>
        {
            var logits = new float[model.Labels.Count];
            start.SignalAndWait();
            for (int round = 0; round < 10; round++)
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    int n = (i + t * 5) % inputs.Length;
                    compiled.Logits(inputs[n], logits);
                    if (!logits.AsSpan().SequenceEqual(expected[n]))
                    {
                        failures[t]++;
                    }
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(failures, f => Assert.Equal(0, f));
    }

    /// <summary>
    /// The default rule's decision, not its timing: fashion-cnn (largest layer 2.2 M multiply-accumulates) gets no pool
    /// with IntraOpThreads = 2, so nothing changes; intel-cnn hands exactly its three convolutions and its 3.3 M-MAC
    /// first dense layer (not the 131 K and 3 K ones) to the workers on each call. With the threshold at 0 fashion-cnn
    /// splits all four of its layers, so the counts do see splits.
    /// </summary>
    [Fact]
    public void TheDefaultRuleSplitsOnlyLayersOfThreeMillionMacs()
    {
        var random = new Random(7);
        var fashion = new TestModels(56) { SevenBitWeights = true }.FashionCnn();
        using (var compiled = CompiledModel.Build(fashion))
        {
            Assert.Contains("internal const long IntraOpLargestLayerMacs = 2230272;", compiled.Source);
            Assert.Contains("the setting changes nothing", compiled.Source);
            var input = BitExactness.RandomInput(random, fashion.InputShape.Length, allowSpecial: false);
            compiled.SetIntraOpThreads(2);
            compiled.Predict(input);
            Assert.Equal(-1, compiled.IntraOpDispatched());
            compiled.SetIntraOp(2, 0);
            long before = compiled.IntraOpDispatched();
            compiled.Predict(input);
            Assert.Equal(4, compiled.IntraOpDispatched() - before);
        }

        var intel = new TestModels(57) { SevenBitWeights = true }.IntelCnn();
        using (var compiled = CompiledModel.Build(intel))
        {
            Assert.Matches(@"This model splits Step01_conv\d+, Step02_conv\d+, Step03_conv\d+, Step04_dense\d+\.\n", compiled.Source);
            var input = BitExactness.RandomInput(random, intel.InputShape.Length, allowSpecial: false);
            compiled.SetIntraOpThreads(2);
            long before = compiled.IntraOpDispatched();
            compiled.Predict(input);
            Assert.Equal(4, compiled.IntraOpDispatched() - before);
            compiled.SetIntraOpThreads(1);
            Assert.Equal(-1, compiled.IntraOpDispatched());
        }
    }

    [Fact]
    public void ThreadCountIsCheckedAndDefaultsToOne()
    {
        var model = new TestModels(55).FashionCnn();
        using var compiled = CompiledModel.Build(model);
        Assert.Throws<ArgumentOutOfRangeException>(() => compiled.SetIntraOp(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => compiled.SetIntraOp(-2, 0));
        compiled.SetIntraOp(-1, 0);
        compiled.SetIntraOp(1, 0);
        Assert.Contains("private static int s_intraOpThreads = 1;", compiled.Source);
    }

    private static QModel Model(string which)
    {
        int seed = int.Parse(which.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return which.Split(' ')[0] switch
        {
            "seven-bit" => new TestModels(200 + seed) { SevenBitWeights = true }.RandomInt8(),
            "int8" => new TestModels(200 + seed).RandomInt8(),

            // Graphs whose additions are fused into their projections, so that each thread's rows are added by it.
            "mobilenet" => new GraphModels(200 + seed) { SevenBitWeights = true }.IntelMobileNetLike("IntraOpMobileNet"),
            "residual" => new GraphModels(200 + seed).InvertedResidual(),
            _ => new TestModels(200 + seed) { SevenBitWeights = true }.FashionCnn(),
        };
    }
}
