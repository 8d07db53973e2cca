using System;
using System.Collections.Generic;
using System.Text;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Builds source text line by line with four-space indentation and '\n' line endings. Braced blocks are
/// disposable scopes, as in CommunityToolkit.Mvvm's IndentedTextWriter:
/// <c>using (writer.Block("for (...)")) { ... }</c> writes the header and the braces and indents what is inside.
/// A line of code longer than <see cref="MaxLength"/> is wrapped, a call one argument per line (never one that holds a string).
/// </summary>
internal sealed class IndentedWriter
{
    /// <summary>The longest line written where it can be wrapped.</summary>
    public const int MaxLength = 160;

    private readonly StringBuilder _builder = new();
    private int _indent;
    private int _wrapDepth;

    public IndentedWriter Line(string text = "")
    {
        if (text.Length > 0 && _indent * 4 + text.Length > MaxLength && _wrapDepth < 4)
        {
            // Wrapping writes shorter lines through Line again; the depth bounds text that cannot get shorter
            // (one long word of user text in a comment).
            _wrapDepth++;
            bool wrapped = TryWrap(text);
            _wrapDepth--;
            if (wrapped)
            {
                return this;
            }
        }
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }
        _builder.Append('\n');
        return this;
    }

    private bool TryWrap(string text)
    {
        int width = MaxLength - _indent * 4;
        if (text.StartsWith("//", StringComparison.Ordinal))
        {
            // Comments are not wrapped: user text in them must keep every network's line count the same.
            return false;
        }

        // The last call of the line (the one whose parentheses close at its end, before at most closing
        // brackets, ',' ';' or ' =>'): the text up to its opening parenthesis, then one argument per line.
        int open = -1, close = -1, depth = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"')
            {
                return false;
            }
            if (c is '(' or '[' or '{')
            {
                if (depth == 0 && c == '(')
                {
                    open = i;
                }
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
                if (depth == 0 && text[i] == ')' && open >= 0 && text[open] == '(')
                {
                    close = i;
                }
            }
        }
        if (open < 0 || close < open)
        {
            return false;
        }
        string rest = text.Substring(close + 1);
        string closing = rest.EndsWith(" =>", StringComparison.Ordinal) ? rest.Substring(0, rest.Length - 3) : rest;
        foreach (char c in closing)
        {
            if (c is not (')' or ']' or '}' or ',' or ';'))
            {
                return false;
            }
        }
        var arguments = new List<string>();
        int start = open + 1;
        depth = 0;
        for (int i = open + 1; i < close; i++)
        {
            char c = text[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(text.Substring(start, i - start).Trim());
                start = i + 1;
            }
        }
        arguments.Add(text.Substring(start, close - start).Trim());
        Line(text.Substring(0, open + 1));
        _indent++;
        for (int i = 0; i < arguments.Count; i++)
        {
            Line(arguments[i] + (i < arguments.Count - 1 ? "," : ")" + rest));
        }
        _indent--;
        return true;
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
