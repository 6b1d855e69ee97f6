using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using Xunit.Abstractions;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>
/// Random small models and graphs of every op and precision: the interpreter's output (int8 dequantized, or float) stays within
/// a proven error bound of the float reference of the same dequantized network (FloatReference.cs derives the bound
/// layer by layer from the rounding each op performs).
/// </summary>
public sealed class RandomModelTests(ITestOutputHelper output)
{
    private const int Models = 120;
    private const int InputsPerModel = 12;

    private static readonly string[] RequiredFeatures =
    [
        "Conv2D/Int8", "Conv2D/Float32", "Conv2D/DynamicInt8", "Conv2D/Float16",
        "Dense/Int8", "Dense/Float32", "Dense/DynamicInt8", "Dense/Float16",
        "MaxPool/int8", "MaxPool/float", "AveragePool/int8", "AveragePool/float",
        "GlobalAveragePool/int8", "GlobalAveragePool/float", "Pad/int8", "Pad/float",
        "Flatten/Hwc/int8", "Flatten/Chw/int8", "Flatten/Hwc/float", "Flatten/Chw/float",
        "Quantize", "Dequantize", "Softmax", "input/int8", "input/Hwc", "input/Chw",
        "Conv2D/Same", "Conv2D/Valid", "Conv2D/stride2", "Pool/Same", "Pool/Valid",
        "True/None", "True/Relu", "True/Relu6", "False/Relu", "False/Relu6",
        "DepthwiseConv2D/Int8", "DepthwiseConv2D/Float32", "DepthwiseConv2D/DynamicInt8", "DepthwiseConv2D/Float16",
        "DepthwiseConv2D/Same", "DepthwiseConv2D/Valid", "DepthwiseConv2D/stride1", "DepthwiseConv2D/stride2",
        "Add/int8", "Add/float", "Add/image/input", "Add/image/layer", "Add/vector",
        "Add/int8/None", "Add/int8/Relu", "Add/int8/Relu6", "Add/float/Relu6", "Add/first scale larger", "Add/second scale larger",
    ];

    [Fact]
    public void OutputStaysWithinTheQuantizationErrorBoundOfTheFloatReference()
    {
        var features = new HashSet<string>();
        double worstSteps = 0, sumSteps = 0, worstObservedSteps = 0, worstShareOfBound = 0;
        int int8Outputs = 0;
        for (int seed = 1; seed <= Models; seed++)
        {
            var model = InterpreterTestModels.Create(seed);
            features.UnionWith(model.Features);
            var interpreter = new ReferenceInterpreter(model.Model);
            var random = new Random(seed * 7919);
            for (int k = 0; k < InputsPerModel; k++)
            {
                var x = RandomTestModel.RandomInput(random, model.Model.InputShape);
                var result = interpreter.Run(model.InCallerLayout(x));
                var reference = model.Reference(x);
                Assert.Equal(reference.Value.Length, result.Scores.Length);
                for (int i = 0; i < result.Scores.Length; i++)
                {
                    double allowed = Allowed(reference, i);
                    double diff = Math.Abs(result.Scores[i] - reference.Value[i]);
                    Assert.True(diff <= allowed, $"{model.Description}\ninput {k}, output {i}: interpreter {result.Scores[i]:R}, reference {reference.Value[i]:R}, |diff| {diff:G4} > bound {allowed:G4}");
                }

                if (interpreter.OutputTensor.Quant is { } q)
                {
                    double steps = reference.Bound.Max() / q.Scale;
                    for (int i = 0; i < result.Scores.Length; i++)
                    {
                        double diff = Math.Abs(result.Scores[i] - reference.Value[i]);
                        worstObservedSteps = Math.Max(worstObservedSteps, diff / q.Scale);
                        worstShareOfBound = Math.Max(worstShareOfBound, diff / reference.Bound[i]);
                    }

                    worstSteps = Math.Max(worstSteps, steps);
                    sumSteps += steps;
                    int8Outputs++;
                }
            }
        }

        output.WriteLine(
            $"int8 outputs over {int8Outputs} runs: bound in output steps mean {sumSteps / int8Outputs:F2}, largest {worstSteps:F2}; " +
            $"observed error largest {worstObservedSteps:F2} steps, at most {worstShareOfBound:P0} of its bound");
        Assert.Empty(RequiredFeatures.Except(features));
    }

    [Fact]
    public void TheBoundIsTightEnoughToRejectAWrongAnswer()
    {
        // Power check: the interpreter's answer for one input, compared with the reference for another input, must
        // fail the same check nearly always; otherwise the bound above would be too loose to mean anything. Models
        // whose output varies across inputs by less than their own bound (dead ReLUs leave some random models nearly
        // constant) cannot tell inputs apart at all and are left out (and counted).
        int compared = 0, accepted = 0, insensitive = 0;
        for (int seed = 1; seed <= Models; seed++)
        {
            var model = InterpreterTestModels.Create(seed);
            var interpreter = new ReferenceInterpreter(model.Model);
            var random = new Random(seed * 104729);
            var inputs = Enumerable.Range(0, InputsPerModel).Select(_ => RandomTestModel.RandomInput(random, model.Model.InputShape)).ToList();
            var references = inputs.Select(model.Reference).ToList();
            int outputs = references[0].Value.Length;
            double spread = Enumerable.Range(0, outputs).Max(i => references.Max(r => r.Value[i]) - references.Min(r => r.Value[i]));
            if (spread <= references.Max(r => r.Bound.Max()))
            {
                insensitive++;
                continue;
            }

            for (int k = 0; k < inputs.Count; k++)
            {
                var result = interpreter.Run(model.InCallerLayout(inputs[k]));
                var other = references[(k + 1) % inputs.Count];
                compared++;
                if (Enumerable.Range(0, outputs).All(i => Math.Abs(result.Scores[i] - other.Value[i]) <= Allowed(other, i)))
                {
                    accepted++;
                }
            }
        }

        output.WriteLine($"wrong answers accepted: {accepted} of {compared}; {insensitive} of {Models} models left out as insensitive");
        Assert.True(insensitive <= Models / 10, $"{insensitive} of {Models} random models do not depend on their input");
        Assert.True(accepted <= compared / 10, $"{accepted} of {compared} wrong answers pass the bound");
    }

    /// <summary>The propagated bound, plus the float32 rounding of the final dequantization (Scores).</summary>
    private static double Allowed(ReferenceTensor reference, int i) =>
        reference.Bound[i] + (Math.Abs(reference.Value[i]) + reference.Bound[i]) * Math.Pow(2, -23) + 1e-12;

    [Fact]
    public void RandomModelsAreValidAndDeterministic()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var a = InterpreterTestModels.Create(seed);
            var b = InterpreterTestModels.Create(seed);
            Assert.Equal(a.Description, b.Description);
            _ = TensorChain.Infer(a.Model);
        }
    }
}
