using System.Globalization;
using System.Text;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The one way user text (file names, labels, keys, input names) enters generated source: as the content of a
/// C# string literal, of an XML doc comment, or of a line comment.
/// </summary>
internal static class UserText
{
    /// <summary>A C# string literal (quotes included) for <paramref name="value"/>.</summary>
    public static string Literal(string value) => "\"" + Escape(value) + "\"";

    /// <summary>The inside of a C# string literal for <paramref name="value"/>.</summary>
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    // Control characters, and NEL/LS/PS, which C# counts as line breaks inside a literal.
                    if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
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

    /// <summary>
    /// Text for a <c>///</c> comment on one line: markup characters escaped; line breaks (including NEL, LS and
    /// PS, which end a C# comment) and characters XML forbids (controls, U+FFFE/U+FFFF, lone surrogates) become spaces.
    /// </summary>
    public static string Xml(string value)
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
                bool invalid = char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\uFFFE' or '\uFFFF';
                builder.Append(invalid ? ' ' : c);
            }
        }
        return builder.ToString();
    }

    /// <summary>Text for a <c>//</c> line comment: every character that could end the comment becomes a space.</summary>
    public static string Comment(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            builder.Append(char.IsControl(c) || c is '\u0085' or '\u2028' or '\u2029' ? ' ' : c);
        }
        return builder.ToString();
    }
}
