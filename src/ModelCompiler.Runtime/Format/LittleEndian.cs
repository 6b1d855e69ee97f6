namespace ModelCompiler.Format;

/// <summary>
/// Byte order of data blocks, independent of the machine's (BitConverter follows the host and lacks the
/// float/int bit casts on netstandard2.0).
/// </summary>
internal static class LittleEndian
{
    public static int ReadInt32(byte[] bytes, int offset) =>
        bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);

    public static void WriteInt32(byte[] bytes, int offset, int value)
    {
        bytes[offset] = (byte)value;
        bytes[offset + 1] = (byte)(value >> 8);
        bytes[offset + 2] = (byte)(value >> 16);
        bytes[offset + 3] = (byte)(value >> 24);
    }

    public static unsafe float Int32BitsToSingle(int bits) => *(float*)&bits;

    public static unsafe int SingleToInt32Bits(float value) => *(int*)&value;
}
