using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Planning.Lowering;

/// <summary>MaxPool2D and AveragePool2D not fused into a convolution, on int8 or float.</summary>
internal sealed class Pool2DLowering : LayerLowering<Pool2DLayer>
{
    protected override LoweredStep Lower(Pool2DLayer pool, LoweringUnit unit)
    {
        var window = WindowGeometry.Of(unit.Input.Shape, unit.Output.Shape, pool.PoolHeight, pool.PoolWidth, pool.StrideHeight, pool.StrideWidth, pool.Padding);
        return LoweredStep.Of(unit.Produced, (method, buffers) => new PoolStep(method, buffers.Input, buffers.Output, unit.Source, window, pool.Padding, pool.IsMax, pool.Ties == AverageTies.Up));
    }
}

/// <summary>MaxPool2D or AveragePool2D on int8 or float, not fused into a convolution.</summary>
internal sealed record PoolStep(
    string MethodName, BufferSlice Input, BufferSlice Output, LayerSource Source,
    WindowGeometry Window,
    Padding Padding,
    bool IsMax,
    bool TiesUp) : StepPlan(MethodName, Input, Output, Source);
