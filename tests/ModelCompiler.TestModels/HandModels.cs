using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>Builds small in-memory models for hand-computed interpreter cases.</summary>
public static class HandModels
{
    public static readonly QuantParams Unit = new(1f, 0);

    public static QModel Create(TensorShape input, QuantParams? inputQuant, int outputs, params Layer[] layers) =>
        Create(input, InputLayout.Hwc, new Preprocessing(1f / 255, 0f), inputQuant, outputs, layers);

    public static QModel Create(
        TensorShape input, InputLayout layout, Preprocessing preprocessing, QuantParams? inputQuant, int outputs, params Layer[] layers) =>
        new("Hand", input, layout, preprocessing, inputQuant, Enumerable.Range(0, outputs).Select(i => $"c{i}").ToArray(), [], layers);

    /// <summary>Int8 weights with unit scales and zero bias: with unit input and output scales, y = clamp(acc).</summary>
    public static Int8Weights UnitInt8(int outputs, params sbyte[] values) =>
        new(values, Enumerable.Repeat(1f, outputs).ToArray(), new int[outputs]);

    /// <summary>HWC values from one H x W grid per channel.</summary>
    public static float[] Hwc(params float[][,] channels)
    {
        int height = channels[0].GetLength(0), width = channels[0].GetLength(1), count = channels.Length;
        var x = new float[height * width * count];
        for (int h = 0; h < height; h++)
        {
            for (int w = 0; w < width; w++)
            {
                for (int c = 0; c < count; c++)
                {
                    x[((h * width) + w) * count + c] = channels[c][h, w];
                }
            }
        }

        return x;
    }

    /// <summary>CHW values from one H x W grid per channel.</summary>
    public static float[] Chw(params float[][,] channels) =>
        channels.SelectMany(grid => grid.Cast<float>()).ToArray();
}
