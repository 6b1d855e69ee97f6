namespace ModelCompiler.Trainer;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("modelc-train: training is not implemented yet (see issue 3).");
        return 2;
    }
}
