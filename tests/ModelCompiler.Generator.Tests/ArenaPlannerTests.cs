using ModelCompiler.Generator.Planning;

namespace ModelCompiler.Generator.Tests;

public sealed class ArenaPlannerTests
{
    [Fact]
    public void BuffersAliveAtTheSameStepNeverOverlap()
    {
        var random = new Random(3);
        for (int round = 0; round < 200; round++)
        {
            var planner = new ArenaPlanner();
            var requests = new List<(int Bytes, int First, int Last)>();
            for (int i = 0; i < random.Next(1, 30); i++)
            {
                int first = random.Next(0, 20);
                var request = (random.Next(1, 5000), first, first + random.Next(0, 4));
                requests.Add(request);
                planner.Request(request.Item1, request.Item2, request.Item3);
            }

            var (offsets, total) = planner.Plan();
            for (int a = 0; a < requests.Count; a++)
            {
                Assert.Equal(0, offsets[a] % ArenaPlanner.Alignment);
                Assert.True(offsets[a] + requests[a].Bytes <= total);
                for (int b = a + 1; b < requests.Count; b++)
                {
                    bool timeOverlap = requests[a].First <= requests[b].Last && requests[b].First <= requests[a].Last;
                    bool spaceOverlap = offsets[a] < offsets[b] + requests[b].Bytes && offsets[b] < offsets[a] + requests[a].Bytes;
                    Assert.False(timeOverlap && spaceOverlap, $"round {round}: buffers {a} and {b} overlap");
                }
            }
        }
    }

    [Fact]
    public void AChainReusesMemory()
    {
        // A sequential chain only ever needs two neighbouring tensors at once.
        var planner = new ArenaPlanner();
        for (int step = 0; step < 10; step++)
        {
            planner.Request(1024, step, step + 1);
        }

        Assert.Equal(2048, planner.Plan().TotalBytes);
    }
}
