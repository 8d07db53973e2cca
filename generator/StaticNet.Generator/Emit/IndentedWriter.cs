using System.Text;

namespace StaticNet.Generator.Emit;

/// <summary>Builds source text line by line with four-space indentation and '\n' line endings.</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public IndentedWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }
        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="text"/> (if any) followed by an opening brace, and indents.</summary>
    public IndentedWriter Open(string text)
    {
        if (text.Length > 0)
        {
            Line(text);
        }
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Dedents and writes a closing brace (with an optional suffix such as ';').</summary>
    public IndentedWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public override string ToString() => _builder.ToString();
}
