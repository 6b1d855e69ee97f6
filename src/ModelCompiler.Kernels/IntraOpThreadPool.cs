using System;
using System.Diagnostics;
using System.Threading;

namespace ModelCompiler.Kernels;

/// <summary>Work items [start, end) of one layer, on the arena of the call that owns the layer.</summary>
/// <param name="arena">The calling thread's arena: every participant reads and writes the same buffers.</param>
/// <param name="vectorBits">The call's vector width (see the generated class's VectorBits).</param>
/// <param name="start">First item (an output row, a group of units: the layer decides).</param>
/// <param name="end">One past the last item.</param>
public delegate void IntraOpRange(byte[] arena, int vectorBits, int start, int end);

/// <summary>
/// Runs one layer's items on several threads: the calling thread plus <c>threads - 1</c> persistent workers, as
/// XNNPACK's pthreadpool does. A call publishes its job by bumping a generation; workers that were spinning see it
/// within a few hundred nanoseconds, and a worker that found no job for <see cref="SpinMicroseconds"/> blocks on a
/// monitor until the next one (so an idle model costs no CPU). Every participant, the caller included, claims chunks
/// of the items still unclaimed, so a worker whose core is busy elsewhere only delays the chunk it holds. The caller
/// claims from the front and the workers from the back: with two threads each runs about the same half of a layer on
/// every call, so a memory-bound layer's weights stay in each core's own cache (intel-cnn's 3.3 MB first dense layer
/// does not fit one core's 2 MB L2, each half does). A call allocates
/// nothing. One caller at a time owns the workers: a call that finds them busy (another thread is inside a layer) runs
/// its items inline, which keeps concurrent callers correct and never makes them wait for each other.
/// </summary>
/// <remarks>
/// The generation and the unclaimed items [front, back) share one 64-bit word (32, 16 and 16 bits), so a claim is a
/// single compare-and-swap that fails for a worker still holding an older generation: a late worker can never run items
/// of a newer job with the older job's body. After the last item is done the caller marks the generation closed
/// (front = back) before it rewrites the job, for the same reason. A layer of more than 65,535 items runs as several
/// jobs of at most that many.
/// </remarks>
public sealed class IntraOpThreadPool
{
    /// <summary>How long a worker spins for the next job before it blocks: longer than a model's gap between two layers.</summary>
    public const int SpinMicroseconds = 200;

    /// <summary>Chunks per participant: small enough that a thread slowed by other work holds up little, large enough to claim rarely.</summary>
    private const int ChunksPerThread = 4;

    /// <summary>Items one job holds (front and back are 16-bit fields of the claim word).</summary>
    private const int MaxItems = ushort.MaxValue;

    private static readonly object s_sharedGate = new();
    private static IntraOpThreadPool?[] s_shared = new IntraOpThreadPool?[8];

    private readonly object _sleepGate = new();
    private readonly long _spinTicks;

    /// <summary>The current generation (high 32 bits) and the unclaimed items: back (bits 16-31) and front (low 16 bits).</summary>
    private long _work;
    private int _owned;
    private int _sleepers;
    private int _completed;

    private IntraOpRange? _body;
    private byte[]? _arena;
    private int _vectorBits;
    private int _offset;
    private int _grain;

    /// <summary>Starts <paramref name="threads"/> - 1 background workers (named for debuggers).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
    public IntraOpThreadPool(int threads)
    {
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "a pool needs at least the calling thread");
        }

        Threads = threads;
        _spinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
        for (int i = 1; i < threads; i++)
        {
            var worker = new Thread(Work) { IsBackground = true, Name = "ModelCompiler intra-op worker " + i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            worker.Start();
        }
    }

    /// <summary>Threads a call uses, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>Jobs handed to the workers so far (not those run inline): what tests read to see which layers split.</summary>
    public long Dispatched { get; private set; }

    /// <summary>The process-wide pool of <paramref name="threads"/> threads, started on first use and kept for the process's life.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
    public static IntraOpThreadPool Shared(int threads)
    {
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "a pool needs at least the calling thread");
        }

        var shared = Volatile.Read(ref s_shared);
        if (threads < shared.Length && shared[threads] is { } pool)
        {
            return pool;
        }

        lock (s_sharedGate)
        {
            if (threads >= s_shared.Length)
            {
                var larger = new IntraOpThreadPool?[threads + 1];
                Array.Copy(s_shared, larger, s_shared.Length);
                Volatile.Write(ref s_shared, larger);
            }

            return s_shared[threads] ??= new IntraOpThreadPool(threads);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> over items [0, <paramref name="count"/>), split into chunks across the pool's threads,
    /// and returns when every item is done. Runs inline when the pool has one thread, there is one item, or another
    /// caller owns the workers. The items must be independent (each writes its own outputs).
    /// </summary>
    public void Run(IntraOpRange body, byte[] arena, int vectorBits, int count)
    {
        if (count <= 1 || Threads == 1 || Interlocked.CompareExchange(ref _owned, 1, 0) != 0)
        {
            body(arena, vectorBits, 0, count);
            return;
        }

        _body = body;
        _arena = arena;
        _vectorBits = vectorBits;
        for (int first = 0; first < count; first += MaxItems)
        {
            Dispatch(first, Math.Min(MaxItems, count - first));
        }

        _body = null;
        _arena = null;
        Volatile.Write(ref _owned, 0);
    }

    /// <summary>One job: items [offset, offset + count) of the current body, by the caller and the workers.</summary>
    private void Dispatch(int offset, int count)
    {
        Dispatched++;
        _offset = offset;
        _grain = Math.Max(1, count / (Threads * ChunksPerThread));
        _completed = 0;
        int generation = unchecked(Generation(Volatile.Read(ref _work)) + 1);

        // The exchange is a full fence: it publishes the job, and the read of _sleepers after it pairs with a worker's
        // increment before its last look at the generation, so either the worker sees the job or we see the sleeper.
        Interlocked.Exchange(ref _work, Pack(generation, 0, count));
        if (Volatile.Read(ref _sleepers) != 0)
        {
            lock (_sleepGate)
            {
                Monitor.PulseAll(_sleepGate);
            }
        }

        Claim(generation, fromBack: false);
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _completed) != count)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        Interlocked.Exchange(ref _work, Pack(generation, 0, 0));
    }

    private static int Generation(long work) => unchecked((int)(work >> 32));

    private static long Pack(int generation, int front, int back) => unchecked(((long)generation << 32) | ((long)back << 16) | (uint)front);

    /// <summary>
    /// Claims and runs chunks of <paramref name="generation"/>'s job, from the front (the caller) or the back (the
    /// workers), until none is left or the job has changed.
    /// </summary>
    private void Claim(int generation, bool fromBack)
    {
        while (true)
        {
            long current = Volatile.Read(ref _work);
            int front = unchecked((int)current) & 0xFFFF, back = unchecked((int)(current >> 16)) & 0xFFFF;
            if (Generation(current) != generation || front >= back)
            {
                return;
            }

            int take = Math.Min(_grain, back - front);
            int start = fromBack ? back - take : front;
            long next = fromBack ? Pack(generation, front, start) : Pack(generation, front + take, back);
            if (Interlocked.CompareExchange(ref _work, next, current) != current)
            {
                continue;
            }

            _body!(_arena!, _vectorBits, _offset + start, _offset + start + take);
            Interlocked.Add(ref _completed, take);
        }
    }

    private void Work()
    {
        int seen = Generation(Volatile.Read(ref _work));
        while (true)
        {
            int generation = WaitForJob(seen);
            seen = generation;
            Claim(generation, fromBack: true);
        }
    }

    /// <summary>Spins for a generation other than <paramref name="seen"/>, then blocks until one comes.</summary>
    private int WaitForJob(int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + _spinTicks;
        int spins = 0;
        while (true)
        {
            int generation = Generation(Volatile.Read(ref _work));
            if (generation != seen)
            {
                return generation;
            }

            // The clock is read every 64 spins: its cost would otherwise dominate the loop.
            if ((++spins & 63) == 0 && Stopwatch.GetTimestamp() > deadline)
            {
                break;
            }

            Thread.SpinWait(8);
        }

        Interlocked.Increment(ref _sleepers);
        try
        {
            lock (_sleepGate)
            {
                int generation;
                while ((generation = Generation(Volatile.Read(ref _work))) == seen)
                {
                    Monitor.Wait(_sleepGate);
                }

                return generation;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _sleepers);
        }
    }
}
