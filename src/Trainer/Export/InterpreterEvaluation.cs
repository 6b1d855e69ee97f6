using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Trainer.Data;

namespace ModelCompiler.Trainer.Export;

/// <summary>Runs a <see cref="QModel"/> through the Runtime's reference interpreter over a data set.</summary>
public static class InterpreterEvaluation
{
    /// <summary>ArgMax of every image, passed as raw HWC pixels (the model applies its own 1/255 preprocessing).</summary>
    public static int[] Predict(QModel model, ImageDataset data, int threads)
    {
        if (model.InputShape != TensorShape.Image(data.Height, data.Width, data.Channels))
        {
            throw new InvalidDataException($"the model takes {model.InputShape} images but the data set holds {data.Height}x{data.Width}x{data.Channels}");
        }

        if (model.InputLayout != InputLayout.Hwc)
        {
            throw new NotSupportedException("only hwc-input models are evaluated here");
        }

        var predictions = new int[data.Count];
        Parallel.For(
            0, data.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => new ReferenceInterpreter(model),
            (i, _, interpreter) =>
            {
                predictions[i] = interpreter.Run(data.Image(i)).ArgMax;
                return interpreter;
            },
            _ => { });
        return predictions;
    }
}
