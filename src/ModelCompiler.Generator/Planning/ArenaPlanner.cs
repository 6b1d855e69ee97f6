namespace ModelCompiler.Generator.Planning;

/// <summary>
/// Places buffers in one arena so that buffers alive at the same step never overlap: greedy by decreasing size,
/// each at the lowest 64-byte aligned offset that clears every already placed buffer whose lifetime intersects.
/// </summary>
internal sealed class ArenaPlanner
{
    public const int Alignment = 64;

    private readonly List<(int Id, int Bytes, int First, int Last)> _requests = new();

    /// <summary>Asks for <paramref name="bytes"/> live from step <paramref name="first"/> to <paramref name="last"/> (inclusive); returns its id.</summary>
    public int Request(int bytes, int first, int last)
    {
        int id = _requests.Count;
        _requests.Add((id, bytes, first, last));
        return id;
    }

    /// <summary>Extends a buffer's lifetime to include <paramref name="step"/>.</summary>
    public void Touch(int id, int step)
    {
        var r = _requests[id];
        _requests[id] = (r.Id, r.Bytes, Math.Min(r.First, step), Math.Max(r.Last, step));
    }

    /// <summary>Offsets by id, and the arena size.</summary>
    public (int[] Offsets, int TotalBytes) Plan()
    {
        var offsets = new int[_requests.Count];
        var placed = new List<(int Offset, int End, int First, int Last)>();
        int total = 0;
        foreach (var r in _requests.OrderByDescending(r => r.Bytes).ThenBy(r => r.Id))
        {
            var conflicts = placed.Where(p => p.First <= r.Last && r.First <= p.Last).OrderBy(p => p.Offset).ToList();
            int offset = 0;
            foreach (var p in conflicts)
            {
                if (offset + r.Bytes <= p.Offset)
                {
                    break;
                }

                offset = Math.Max(offset, Align(p.End));
            }

            offsets[r.Id] = offset;
            placed.Add((offset, offset + r.Bytes, r.First, r.Last));
            total = Math.Max(total, offset + r.Bytes);
        }

        return (offsets, Align(Math.Max(total, 1)));
    }

    public static int Align(int value) => (value + Alignment - 1) / Alignment * Alignment;
}
