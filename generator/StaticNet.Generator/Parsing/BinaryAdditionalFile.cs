using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Reads the text copy of a binary additional file that StaticNet.targets writes (compilers refuse binary
/// additional files, CS2015): the first line is the original file's full path, the rest its bytes in base64.
/// </summary>
internal static class BinaryAdditionalFile
{
    public const string Suffix = ".staticnet-binary";

    /// <summary>The original path and bytes, or null when the text is not such a copy.</summary>
    public static (string Path, byte[] Bytes)? Decode(SourceText text)
    {
        string content = text.ToString();
        int newline = content.IndexOf('\n');
        if (newline < 0)
        {
            return null;
        }
        try
        {
            return (content.Substring(0, newline).TrimEnd('\r'), Convert.FromBase64String(content.Substring(newline + 1).Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
