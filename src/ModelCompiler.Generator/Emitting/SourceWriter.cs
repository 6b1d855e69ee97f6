using System.Text;

namespace ModelCompiler.Generator.Emitting;

/// <summary>
/// The one way the emitter writes code: lines at the current indentation, blocks that open and close braces.
/// Keeps the generated file consistently formatted without string concatenation scattered over the emitter.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public void WriteLine()
    {
        _builder.Append('\n');
    }

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _indentation; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes each line of <paramref name="text"/> (split on \n) at the current indentation plus its own.</summary>
    public void WriteLines(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n'))
        {
            WriteLine(line);
        }
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope is disposed.</summary>
    public Block OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indentation++;
        return new Block(this);
    }

    public void Indent() => _indentation++;

    public void Unindent() => _indentation--;

    public override string ToString() => _builder.ToString();

    /// <summary>Closes the brace opened by <see cref="OpenBlock"/>.</summary>
    public readonly struct Block(SourceWriter writer) : IDisposable
    {
        public void Dispose()
        {
            writer._indentation--;
            writer.WriteLine("}");
        }
    }
}
