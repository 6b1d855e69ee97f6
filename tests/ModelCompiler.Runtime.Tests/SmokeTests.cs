using ModelCompiler.Format;

namespace ModelCompiler.Runtime.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void TensorShapeLength()
    {
        Assert.Equal(28 * 28, TensorShape.Image(28, 28, 1).Length);
        Assert.True(TensorShape.Vector(10).IsVector);
    }
}
