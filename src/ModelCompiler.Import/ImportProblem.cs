namespace ModelCompiler.Import;

/// <summary>
/// One reason a model cannot be imported, naming where it is (<c>operator 12 (CONV_2D 'name')</c>,
/// <c>tensor 7 'weights'</c>, <c>file</c>) and, where there is one, the attribute.
/// </summary>
/// <param name="Location">The operator, tensor or part of the file the problem is in.</param>
/// <param name="Attribute">The source's name of the attribute or field at fault (<c>dilation_h_factor</c>, <c>dilations</c>), or null.</param>
/// <param name="Message">What is wrong, for people.</param>
public sealed record ImportProblem(string Location, string? Attribute, string Message)
{
    public override string ToString() => Attribute is null ? $"{Location}: {Message}" : $"{Location}: {Attribute}: {Message}";
}
