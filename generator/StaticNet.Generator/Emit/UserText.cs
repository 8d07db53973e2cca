using System.Globalization;
using System.Text;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The one place where text from a user (file names, paths, labels, input names, layer and tensor names, anything
/// from a spec or a weight file) is made safe for the spot in generated C# where it lands. Every user string the
/// emitter writes goes through one of these; class names and namespaces are validated identifiers instead.
/// </summary>
internal static class UserText
{
    /// <summary>
    /// Text inside a <c>//</c> comment, on its one line: every character C# counts as a line break (CR, LF, NEL,
    /// LS, PS) and every other control character becomes a space, and lone surrogates become U+FFFD, so nothing
    /// after it can leave the comment.
    /// </summary>
    public static string ForLineComment(string value)
    {
        if (IsPlain(value))
        {
            return value;
        }
        var builder = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else
            {
                builder.Append(IsLineBreakOrControl(c) ? ' ' : c);
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// Text inside a <c>///</c> XML doc comment, on its one line: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>
    /// escaped; line breaks (including NEL, LS and PS, which end a C# comment) and characters XML forbids
    /// (controls, U+FFFE/U+FFFF, lone surrogates) become spaces.
    /// </summary>
    public static string ForXmlDoc(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (c == '&')
            {
                builder.Append("&amp;");
            }
            else if (c == '<')
            {
                builder.Append("&lt;");
            }
            else if (c == '>')
            {
                builder.Append("&gt;");
            }
            else
            {
                bool invalid = IsLineBreakOrControl(c) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF';
                builder.Append(invalid ? ' ' : c);
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// The contents of a regular <c>"..."</c> literal (without the quotes) that evaluates to exactly
    /// <paramref name="value"/>: quotes and backslashes escaped, control characters, line breaks (NEL, LS, PS
    /// too) and lone surrogates written as <c>\uXXXX</c>.
    /// </summary>
    public static string ForStringLiteral(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        builder.Append(c).Append(value[++i]);
                    }
                    else if (IsLineBreakOrControl(c) || char.IsSurrogate(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.ToString();
    }

    /// <summary>A complete <c>"..."</c> literal for <paramref name="value"/>.</summary>
    public static string Quoted(string value) => "\"" + ForStringLiteral(value) + "\"";

    /// <summary>Controls (C0, DEL, C1 including NEL) and the line and paragraph separators.</summary>
    private static bool IsLineBreakOrControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static bool IsPlain(string value)
    {
        foreach (char c in value)
        {
            if (IsLineBreakOrControl(c) || char.IsSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }
}
