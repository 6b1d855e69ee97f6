namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// The intra-op pool: every item of every job runs exactly once on the caller's arena, back-to-back jobs of different
/// sizes never mix, workers that went to sleep wake for the next job, several callers at once each get all their items
/// done, and a steady-state job allocates nothing.
/// </summary>
public sealed class IntraOpThreadPoolTests
{
    /// <summary>Adds 1 to arena byte i for each item i: a byte that ends at 1 ran once, 0 never, 2 twice.</summary>
    private static readonly IntraOpRange Mark = static (arena, vectorBits, start, end) =>
    {
        for (int i = start; i < end; i++)
        {
            arena[i] = unchecked((byte)(arena[i] + 1 + vectorBits));
        }
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryItemRunsExactlyOnceAcrossManyJobs(int threads)
    {
        var pool = new IntraOpThreadPool(threads);
        var random = new Random(threads);
        for (int job = 0; job < 3000; job++)
        {
            int count = random.Next(0, 300);
            var arena = new byte[count + 8];
            pool.Run(Mark, arena, 0, count);
            for (int i = 0; i < arena.Length; i++)
            {
                Assert.True(arena[i] == (i < count ? 1 : 0), $"job {job}: item {i} of {count} ran {arena[i]} times");
            }
        }
    }

    /// <summary>A job holds at most 65,535 items (16-bit front and back): a larger layer runs as several, each item once.</summary>
    [Fact]
    public void MoreItemsThanOneJobHoldsRunExactlyOnce()
    {
        var pool = new IntraOpThreadPool(2);
        foreach (int count in new[] { 65_535, 65_536, 140_000 })
        {
            var arena = new byte[count + 8];
            long before = pool.Dispatched;
            pool.Run(Mark, arena, 0, count);
            Assert.Equal((count + 65_534) / 65_535, pool.Dispatched - before);
            for (int i = 0; i < arena.Length; i++)
            {
                Assert.True(arena[i] == (i < count ? 1 : 0), $"item {i} of {count} ran {arena[i]} times");
            }
        }
    }

    [Fact]
    public void ConcurrentCallersEachGetEveryItem()
    {
        var pool = new IntraOpThreadPool(2);
        const int Callers = 4, Jobs = 500;
        var failures = new int[Callers];
        var threads = Enumerable.Range(0, Callers).Select(c => new Thread(() =>
        {
            var random = new Random(c);
            for (int job = 0; job < Jobs; job++)
            {
                int count = random.Next(1, 200);
                var arena = new byte[count];
                pool.Run(Mark, arena, 0, count);
                if (arena.Any(b => b != 1))
                {
                    failures[c]++;
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
    /// Some chunk of some job runs off the calling thread, both while the worker spins and after it has blocked (past
    /// the spin time): the pool does split the work and a sleeping worker wakes. Many jobs of slow items make "never"
    /// the sign of a pool that runs everything inline.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ItemsRunOnTheWorkersToo(bool afterSleep)
    {
        var pool = new IntraOpThreadPool(2);
        int caller = Environment.CurrentManagedThreadId;
        int elsewhere = 0;
        IntraOpRange note = (arena, vectorBits, start, end) =>
        {
            if (Environment.CurrentManagedThreadId != caller)
            {
                Interlocked.Increment(ref elsewhere);
            }

            Thread.SpinWait(2000);
        };
        var buffer = new byte[1];
        for (int job = 0; job < 200 && Volatile.Read(ref elsewhere) == 0; job++)
        {
            if (afterSleep)
            {
                Thread.Sleep((IntraOpThreadPool.SpinMicroseconds / 1000) + 10);
            }

            pool.Run(note, buffer, 0, 16);
        }

        Assert.True(elsewhere > 0, "no item ran on a worker in 200 jobs");
    }

    [Fact]
    public void SteadyStateJobsAllocateNothingOnTheCallingThread()
    {
        var pool = new IntraOpThreadPool(2);
        var arena = new byte[256];
        for (int i = 0; i < 100; i++)
        {
            pool.Run(Mark, arena, 0, arena.Length);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            pool.Run(Mark, arena, 0, arena.Length);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void SharedPoolsAreOnePerThreadCount()
    {
        Assert.Same(IntraOpThreadPool.Shared(2), IntraOpThreadPool.Shared(2));
        Assert.Equal(3, IntraOpThreadPool.Shared(3).Threads);
        Assert.Equal(9, IntraOpThreadPool.Shared(9).Threads);
        Assert.Throws<ArgumentOutOfRangeException>(() => IntraOpThreadPool.Shared(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntraOpThreadPool(-1));
    }
}
