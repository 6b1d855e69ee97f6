using System.Runtime.CompilerServices;

namespace ModelCompiler.Kernels;

/// <summary>
/// The kernels every generated model calls. This is ordinary C#: it is compiled and unit-tested here per vector path
/// (tests/ModelCompiler.Kernels.Tests), and the generator embeds these files and emits them once into each consuming
/// assembly (namespace <c>ModelCompiler.Generated.Assembly_&lt;assembly name&gt;</c>), where all its models share them.
/// The per-model code calls them with literal shapes; most are <c>AggressiveInlining</c>, so the JIT specialises them
/// per layer. Every vector path computes exactly the scalar path's integers (no saturating instruction meets operands
/// that could saturate) or the same float32 operations per lane (multiply then add, never fused). The scalar arithmetic
/// they use (<c>Requantizer</c>, <c>Quantizer</c>, <c>HalfConversion</c>) is the Runtime's, the reference interpreter's own.
/// </summary>
internal static partial class KernelLibrary
{
    /// <summary>A <typeparamref name="T"/> at byte <paramref name="offset"/> of the arena (the planned buffers' home).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref T At<T>(ref byte arena, int offset) => ref Unsafe.As<byte, T>(ref Unsafe.Add(ref arena, offset));
}
