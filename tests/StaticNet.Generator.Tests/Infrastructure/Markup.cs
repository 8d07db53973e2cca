using System;
using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Generator.Tests.Infrastructure;

/// <summary>
/// Spec text with the expected diagnostic span marked as <c>[|...|]</c> (Roslyn's test markup). The marker is
/// removed; its position gives the span and, counted independently of Roslyn, the line and column.
/// </summary>
internal sealed class Markup
{
    private Markup(string text, TextSpan span)
    {
        Text = text;
        Span = span;
    }

    public string Text { get; }

    public TextSpan Span { get; }

    /// <summary>1-based line and column of the span's start, as an editor shows them.</summary>
    public (int Line, int Column) Start => Position(Text, Span.Start);

    /// <summary>1-based line and column just after the span.</summary>
    public (int Line, int Column) End => Position(Text, Span.End);

    public static Markup Parse(string marked)
    {
        int open = marked.IndexOf("[|", StringComparison.Ordinal);
        int close = marked.IndexOf("|]", open + 2, StringComparison.Ordinal);
        if (open < 0 || close < 0 || marked.IndexOf("[|", open + 2, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("Expected exactly one [|...|] marker.", nameof(marked));
        }
        string text = marked.Substring(0, open) + marked.Substring(open + 2, close - open - 2) + marked.Substring(close + 2);
        return new Markup(text, TextSpan.FromBounds(open, close - 2));
    }

    /// <summary>Line and column by counting line breaks ("\r\n", "\n" or "\r"), both 1-based.</summary>
    public static (int Line, int Column) Position(string text, int offset)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }
            if (text[i] is '\n' or '\r')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, offset - lineStart + 1);
    }
}
