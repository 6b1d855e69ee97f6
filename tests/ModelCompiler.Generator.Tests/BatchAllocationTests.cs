namespace ModelCompiler.Generator.Tests;

/// <summary>What a batch call allocates, counted over all threads (its helpers run on the thread pool).</summary>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class BatchAllocationTests
{
    /// <summary>
    /// Steady-state batches allocate a bounded amount per call (the batch state and the helper tasks) and nothing per
    /// image: 1 KB per call fails as soon as each of 256 images allocates even the smallest object (24 bytes). Counted
    /// over all threads, so it runs in a collection that no other test runs beside; the smallest of three rounds is
    /// kept, which leaves out the one-off arena of a pool thread that meets this model for the first time. (The test
    /// host's own threads allocate ~100 bytes a second meanwhile, part of the margin.) A cap of 1 runs inline and
    /// must allocate exactly nothing on the calling thread.
    /// </summary>
    [Fact]
    public void SteadyStateBatchesAllocateNothingPerImage()
    {
        var model = new TestModels(62).FashionCnn();
        using var compiled = CompiledModel.Build(model);
        int length = model.InputShape.Length;
        const int Calls = 5;
        foreach (int count in new[] { 8, 256 })
        {
            var random = new Random(count);
            var inputs = new float[count * length];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = random.Next(256) / 255f;
            }

            var pixels = new byte[count * length];
            random.NextBytes(pixels);
            var predictions = new int[count];
            foreach (int cap in new[] { 1, 2, -1, 3 })
            {
                long smallest = Enumerable.Range(0, 3).Min(_ => compiled.BatchAllocatedBytes(inputs, pixels, predictions, cap, Calls, true));
                double perCall = smallest / (2.0 * Calls);
                Assert.True(perCall <= 1024, $"{count} images, cap {cap}: {perCall:F0} bytes per batch call, all threads");
            }

            // Capped at one thread, the batch runs inline: the calling thread allocates nothing at all.
            Assert.Equal(0, compiled.BatchAllocatedBytes(inputs, pixels, predictions, 1, Calls, false));
        }
    }
}
