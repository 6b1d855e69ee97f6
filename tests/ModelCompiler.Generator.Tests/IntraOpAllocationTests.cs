using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

/// <summary>What threaded single-image calls allocate, counted over all threads (the pool's workers run part of each call).</summary>
[Collection(ProcessWideAllocationCollection.Name)]
[Trait("Category", "Slow")]
public sealed class IntraOpAllocationTests
{
    /// <summary>
    /// After warm-up, 400 threaded calls allocate less than 1 KB over the whole process: an allocation per call by the
    /// caller or a worker (24 bytes at least) would pass that in every round. In rounds, as the batch test does: the test
    /// host's own threads allocate ~100 bytes a second, and the runtime can allocate once (JIT).
    /// </summary>
    [Fact]
    public void ThreadedCallsAllocateNothingOnAnyThread()
    {
        var model = new TestModels(56) { SevenBitWeights = true }.FashionCnn();
        using var compiled = CompiledModel.Build(model);
        compiled.SetIntraOp(2, 0);
        var x = BitExactness.RandomInput(new Random(5), model.InputShape.Length, allowSpecial: false);
        var logits = new float[model.Labels.Count];
        for (int i = 0; i < 50; i++)
        {
            compiled.Logits(x, logits);
        }

        long least = long.MaxValue;
        for (int round = 0; round < 10 && least >= 1024; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 400; i++)
            {
                compiled.Logits(x, logits);
            }

            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.True(least < 1024, $"at least {least} bytes allocated by the process per 400 threaded calls");
    }
}
