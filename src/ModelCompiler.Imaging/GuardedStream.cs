namespace ModelCompiler.Imaging;

/// <summary>
/// The stream StbImageSharp decodes from, made so the decoder cannot hang. Its port reads byte by byte from a .NET
/// stream and treats end-of-file as zeros; it also seeks where C's stb_image would clamp. A loop of its JPEG reader
/// waits for <c>Position == Length</c>, which never comes once a skip has moved past the end (the hang on a JPEG cut
/// inside its APP0 header). So here a forward skip stops at the end and a negative skip goes to the end (stb_image's
/// rule); reading past the end is counted (the file is shorter than its image) and, as a second guard, throws beyond a
/// budget proportional to the image's size. Rewinds are counted too. Throwing is kept for runaway cases: the port frees
/// its native buffers only on its own error paths, so an exception from here leaks that decode's buffers.
/// </summary>
internal sealed class GuardedStream(byte[] data, long pastEndBudget) : Stream
{
    /// <summary>stb_image rewinds once per format it tries; far more means something loops.</summary>
    private const int MaxRewinds = 64;

    private long position;
    private long pastEnd;
    private int rewinds;

    /// <summary>Whether the decoder ever asked for bytes past the end: the file is shorter than its image.</summary>
    public bool ReadPastEnd => pastEnd > 0;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => data.Length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int ReadByte()
    {
        if (position < data.Length)
        {
            return data[position++];
        }

        CountPastEnd(1);
        return -1;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int available = (int)Math.Min(buffer.Length, data.Length - position);
        data.AsSpan((int)position, available).CopyTo(buffer);
        position += available;
        if (available < buffer.Length)
        {
            CountPastEnd(buffer.Length - available);
        }

        return available;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => offset < 0 ? data.Length : position + offset,
            _ => data.Length + offset,
        };
        if (origin == SeekOrigin.Begin && ++rewinds > MaxRewinds)
        {
            throw new InvalidImageException(ImageProblem.Corrupt, $"the decoder went back to the start more than {MaxRewinds} times");
        }

        if (target > data.Length)
        {
            CountPastEnd(target - data.Length);
        }

        position = Math.Clamp(target, 0, data.Length);
        return position;
    }

    private void CountPastEnd(long bytes)
    {
        pastEnd += bytes;
        if (pastEnd > pastEndBudget)
        {
            throw new InvalidImageException(ImageProblem.Truncated, $"the decoder read more than {ModelCompiler.IO.UserFile.Bytes(pastEndBudget)} past the end of the file");
        }
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
