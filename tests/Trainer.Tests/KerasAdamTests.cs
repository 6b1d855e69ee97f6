using ModelCompiler.Trainer.Native;
using ModelCompiler.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompiler.Trainer.Tests;

public sealed class KerasAdamTests
{
    /// <summary>
    /// Keras's update (keras/src/optimizers/adam.py): alpha = lr * sqrt(1 - b2^t) / (1 - b1^t);
    /// w -= alpha * m / (sqrt(v) + eps). A large epsilon makes the difference from torch's formula visible.
    /// </summary>
    [Fact]
    public void Steps_follow_the_keras_update()
    {
        TorchRuntime.EnsureLoaded();
        const double lr = 0.01, epsilon = 0.05;
        double[] w = [0.5, -0.25, 1.0], m = new double[3], v = new double[3];
        double[][] gradients = [[0.1, -0.02, 0.3], [0.05, 0.01, -0.2], [-0.07, 0.03, 0.1], [0.2, -0.1, 0.0]];
        var parameter = new TorchSharp.Modules.Parameter(tensor(w.Select(x => (float)x).ToArray()));
        using var adam = new KerasAdam([parameter], lr, epsilon);
        for (int t = 1; t <= gradients.Length; t++)
        {
            adam.ZeroGrad();
            using (var loss = (parameter * tensor(gradients[t - 1].Select(x => (float)x).ToArray())).sum())
            {
                loss.backward();
            }

            adam.Step(t);
            double alpha = lr * Math.Sqrt(1 - Math.Pow(KerasAdam.Beta2, t)) / (1 - Math.Pow(KerasAdam.Beta1, t));
            for (int i = 0; i < w.Length; i++)
            {
                double g = gradients[t - 1][i];
                m[i] += (g - m[i]) * (1 - KerasAdam.Beta1);
                v[i] += (g * g - v[i]) * (1 - KerasAdam.Beta2);
                w[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + epsilon);
            }

            float[] actual = parameter.data<float>().ToArray();
            for (int i = 0; i < w.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - w[i]) < 1e-6, $"step {t}, weight {i}: {actual[i]:R} vs Keras {w[i]:R}");
            }
        }
    }

    [Fact]
    public void Torch_epsilon_is_keras_epsilon_over_the_second_bias_correction()
    {
        Assert.Equal(1e-7 / Math.Sqrt(0.001), KerasAdam.TorchEpsilon(1e-7, 1), 15);
        Assert.True(Math.Abs(KerasAdam.TorchEpsilon(1e-7, 100_000) - 1e-7) < 1e-15);
    }
}
