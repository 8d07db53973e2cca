using System;
using System.Text;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Builds source text line by line with four-space indentation and '\n' line endings. Braced blocks are
/// disposable scopes, as in CommunityToolkit.Mvvm's IndentedTextWriter:
/// <c>using (writer.Block("for (...)")) { ... }</c> writes the header and the braces and indents what is inside.
/// </summary>
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

    /// <summary>Writes <paramref name="header"/> (if any) and an opening brace; disposing the scope closes it with <paramref name="suffix"/>.</summary>
    public Scope Block(string header = "", string suffix = "")
    {
        if (header.Length > 0)
        {
            Line(header);
        }
        Line("{");
        _indent++;
        return new Scope(this, suffix);
    }

    /// <summary>The open block of <see cref="Block"/>: disposing it dedents and writes the closing brace.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly IndentedWriter _writer;
        private readonly string _suffix;

        internal Scope(IndentedWriter writer, string suffix)
        {
            _writer = writer;
            _suffix = suffix;
        }

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line("}" + _suffix);
        }
    }

    /// <summary>Writes <paramref name="text"/> (if any) followed by an opening brace, and indents; <see cref="Close"/> ends it.</summary>
    public IndentedWriter Open(string text)
    {
        Block(text);
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
