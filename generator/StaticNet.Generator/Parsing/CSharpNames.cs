using System.Globalization;
using System.Text;

namespace StaticNet.Generator.Parsing;

/// <summary>How C# sees names: which characters it ignores, and how long metadata lets them be.</summary>
internal static class CSharpNames
{
    /// <summary>Roslyn's limit (CS7013) for a name, and for a full type name "Namespace.Name", in UTF-8 bytes.</summary>
    public const int MaxMetadataName = 1023;

    /// <summary>
    /// The identifier C# declares for <paramref name="name"/>: formatting characters (Unicode category Cf, such as
    /// a zero-width space or a soft hyphen) removed, as the C# specification says identifiers are compared.
    /// </summary>
    public static string Canonical(string name)
    {
        int first = -1;
        for (int i = 0; i < name.Length; i++)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(name[i]) == UnicodeCategory.Format)
            {
                first = i;
                break;
            }
        }
        if (first < 0)
        {
            return name;
        }
        var builder = new StringBuilder(name.Length);
        builder.Append(name, 0, first);
        // (Per UTF-16 unit: SyntaxFacts.IsValidIdentifier, which names pass first, accepts no surrogates.)
        for (int i = first; i < name.Length; i++)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(name[i]) != UnicodeCategory.Format)
            {
                builder.Append(name[i]);
            }
        }
        return builder.ToString();
    }

    /// <summary>UTF-8 length of the full metadata name "Namespace.Name" (or "Name" in the global namespace).</summary>
    public static int MetadataLength(string? ns, string name) =>
        Encoding.UTF8.GetByteCount(name) + (ns is null ? 0 : Encoding.UTF8.GetByteCount(ns) + 1);
}
