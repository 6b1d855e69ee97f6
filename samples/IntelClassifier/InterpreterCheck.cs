using System.Runtime.InteropServices;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Samples.Intel;

/// <summary>
/// <c>--verify-interpreter model.qmodel</c>: runs the Runtime's reference interpreter on the same pixels and checks that
/// the compiled code's logits are the interpreter's, bit for bit, photo by photo (the project's oracle, on your photos).
/// </summary>
internal static class InterpreterCheck
{
    /// <summary>Returns the photos whose logits differ (empty when all agree).</summary>
    public static List<string> Run(SceneModel compiled, string qmodelPath, DecodedPhotos photos)
    {
        var model = ModelCompiler.IO.QModelFile.Read(qmodelPath);
        if (model.Name != compiled.ClassName || model.InputShape.Length != compiled.InputLength || model.Labels.Count != compiled.ClassCount)
        {
            throw new InvalidDataException($"{qmodelPath} is model '{model.Name}' with {model.InputShape.Length} inputs, not the {compiled.ClassName} compiled into this program (--model {compiled.Key})");
        }

        var differing = new bool[photos.Count];
        Parallel.For(
            0, photos.Count,
            () => (Interpreter: new ReferenceInterpreter(model), Logits: new float[compiled.ClassCount]),
            (i, _, state) =>
            {
                compiled.PredictLogits(photos.Image(i), state.Logits);
                float[] expected = state.Interpreter.Run(photos.Image(i)).Scores;
                differing[i] = !MemoryMarshal.AsBytes(state.Logits.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan()));
                return state;
            },
            _ => { });
        return [.. Enumerable.Range(0, photos.Count).Where(i => differing[i]).Select(i => photos.Photos[i].Path)];
    }
}
