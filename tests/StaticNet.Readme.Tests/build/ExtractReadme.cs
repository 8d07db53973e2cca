// The MSBuild task that makes README.md executable (compiled by RoslynCodeTaskFactory, see ReadmeSnippets.targets;
// not part of the test assembly). It reads every fenced block of the README and writes into one output folder:
//
//   spec-at-line-<n>/README.md.staticnet.json
//                               each ```json/```jsonc block with a "name" field: a spec the StaticNet generator compiles.
//                               Padded to n-1 lines, so the generator's diagnostics name README.md's line and column.
//   README.L<n>.cs              each ```csharp block: the body of Run() in a class deriving from ReadmeSnippet<IrisClassifier>
//                               (the context: inputs, labels, training, validation, network, trainer); leading `using`
//                               lines become using directives. #line directives make compiler errors name README.md line N.
//   ReadmeBlocks.g.cs           the catalog of every block (line, language, text, context) with a factory for each snippet.
//
// n is the README line of the block's first content line. A block is configured by an HTML comment on the last
// non-blank line before its fence:
//   <!-- readme-test: skip (why) -->         not extracted (e.g. an excerpt of generated code with "...")
//   <!-- readme-test: context=Name -->       C# snippet compiled in namespace StaticNet.Readme.Tests.Name.Snippets, so
//                                            IrisClassifier is the test project's variant in StaticNet.Readme.Tests.Name
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class StaticNetExtractReadme : Task
{
    [Required] public string Readme { get; set; } = "";
    [Required] public string OutputFolder { get; set; } = "";
    [Required] public string RootNamespace { get; set; } = "";
    [Required] public string ContextsFolder { get; set; } = "";

    private static readonly string[] ImplicitUsings = { "using System;", "using StaticNet;", "using StaticNet.Optimizers;" };
    // CommonMark: a fence may be indented by up to three spaces (e.g. inside a list item); the info string is the language.
    private static readonly Regex Fence = new Regex(@"^ {0,3}```([A-Za-z0-9_+-]*)\s*$");
    private static readonly Regex Marker = new Regex(@"^<!--\s*readme-test:\s*(.*?)\s*-->$");
    private static readonly Regex UsingLine = new Regex(@"^using\s+(static\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*;\s*$");
    private static readonly Regex ContextName = new Regex(@"^context=([A-Z][A-Za-z0-9]*)$");

    public override bool Execute()
    {
        string readme = Path.GetFullPath(Readme);
        string[] lines = File.ReadAllLines(readme);
        Directory.CreateDirectory(OutputFolder);
        foreach (string stale in Directory.GetFiles(OutputFolder, "README.L*"))
        {
            File.Delete(stale);
        }
        foreach (string stale in Directory.GetDirectories(OutputFolder, "spec-at-line-*"))
        {
            Directory.Delete(stale, recursive: true);
        }

        var catalog = new StringBuilder();
        int i = 0;
        while (i < lines.Length)
        {
            Match open = Fence.Match(lines[i]);
            if (!open.Success)   // outside a block, any fence (with or without a language) opens one
            {
                i++;
                continue;
            }
            int fenceLine = i + 1;
            string language = open.Groups[1].Value;
            string marker = FindMarker(lines, i);
            int first = i + 1;
            int end = first;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }
            if (end == lines.Length)
            {
                Error(readme, fenceLine, "README001", "The ```" + language + " block opened here is never closed.");
                return false;
            }
            var body = new List<string>();
            for (int k = first; k < end; k++)
            {
                body.Add(lines[k]);
            }
            i = end + 1;
            int line = first + 1;   // 1-based README line of the first content line

            bool skip = false;
            string context = "";
            if (marker.Length > 0)
            {
                Match m = ContextName.Match(marker);
                if (marker == "skip" || marker.StartsWith("skip ", StringComparison.Ordinal))
                {
                    skip = true;
                }
                else if (m.Success && Directory.Exists(Path.Combine(ContextsFolder, m.Groups[1].Value)))
                {
                    context = m.Groups[1].Value;
                }
                else if (m.Success)
                {
                    Error(readme, fenceLine - 1, "README004", "Unknown snippet context '" + m.Groups[1].Value + "': the contexts are the folders of " + ContextsFolder + ".");
                    return false;
                }
                else
                {
                    Error(readme, fenceLine - 1, "README002", "Unknown readme-test marker '" + marker + "': expected 'skip (reason)' or 'context=Name'.");
                    return false;
                }
            }

            string text = string.Join("\n", body);
            string factory = "null";
            if (!skip && (language == "csharp" || language == "cs"))
            {
                string className = "ReadmeLine" + line;
                string ns = RootNamespace + (context.Length > 0 ? "." + context : "") + ".Snippets";
                File.WriteAllText(Path.Combine(OutputFolder, "README.L" + line + ".cs"), Snippet(readme, line, body, ns, className));
                factory = "static () => new global::" + ns + "." + className + "()";
            }
            else if (!skip && (language == "json" || language == "jsonc") && text.Contains("\"name\""))
            {
                if (context.Length > 0)
                {
                    Error(readme, fenceLine - 1, "README003", "A spec block takes no context; give the spec its own \"namespace\" instead.");
                    return false;
                }
                // README.md.staticnet.json in a folder per block, padded so that its line numbers are README.md's: the
                // generator's diagnostics then read ".../spec-at-line-25/README.md.staticnet.json(31,34): error SN0009 ...".
                string folder = Path.Combine(OutputFolder, "spec-at-line-" + line);
                Directory.CreateDirectory(folder);
                string header = "// README.md lines " + line + "-" + (line + body.Count - 1) + " (extracted at build time; edit README.md). Line numbers here are README.md's.";
                File.WriteAllText(Path.Combine(folder, "README.md.staticnet.json"), header + new string('\n', line - 1) + text + "\n");
            }
            catalog.Append("            new ReadmeBlock(").Append(line).Append(", \"").Append(language).Append("\", ")
                   .Append(context.Length > 0 ? "\"" + context + "\"" : "null").Append(", ").Append(skip ? "true" : "false")
                   .Append(", ").Append(Verbatim(text)).Append(", ").Append(factory).Append("),\n");
        }

        string catalogText =
            "// <auto-generated/> by build/ExtractReadme.cs from README.md\n" +
            "#nullable enable\n" +
            "namespace " + RootNamespace + "\n{\n" +
            "    internal static partial class ReadmeBlocks\n    {\n" +
            "        /// <summary>The README these blocks were extracted from, at build time.</summary>\n" +
            "        public const string ReadmePath = " + Verbatim(readme) + ";\n\n" +
            "        /// <summary>Every fenced block of the README, in order.</summary>\n" +
            "        public static readonly ReadmeBlock[] All = new ReadmeBlock[]\n        {\n" +
            catalog +
            "        };\n    }\n}\n";
        WriteIfChanged(Path.Combine(OutputFolder, "ReadmeBlocks.g.cs"), catalogText);
        return !Log.HasLoggedErrors;
    }

    private static string FindMarker(string[] lines, int fence)
    {
        for (int k = fence - 1; k >= 0; k--)
        {
            string t = lines[k].Trim();
            if (t.Length == 0)
            {
                continue;
            }
            Match m = Marker.Match(t);
            return m.Success ? m.Groups[1].Value : "";
        }
        return "";
    }

    private static string Snippet(string readme, int line, List<string> body, string ns, string className)
    {
        var s = new StringBuilder();
        s.Append("// Generated by build/ExtractReadme.cs from README.md line ").Append(line).Append(": edit README.md, not this file.\n");
        s.Append("#nullable enable\n");
        var declared = new HashSet<string>();
        int k = 0;
        // Leading using lines (and blank lines between them) of the snippet become using directives.
        var usings = new StringBuilder();
        for (; k < body.Count; k++)
        {
            string t = body[k].Trim();
            if (t.Length == 0)
            {
                continue;
            }
            if (!UsingLine.IsMatch(t))
            {
                break;
            }
            declared.Add(Regex.Replace(t, @"\s+", " "));
            usings.Append("#line ").Append(line + k).Append(' ').Append(Quote(readme)).Append('\n').Append(t).Append('\n');
        }
        foreach (string u in ImplicitUsings)
        {
            if (!declared.Contains(u))
            {
                s.Append(u).Append('\n');
            }
        }
        s.Append(usings);
        s.Append("#line default\n");
        s.Append("namespace ").Append(ns).Append("\n{\n");
        s.Append("    internal sealed class ").Append(className).Append(" : global::StaticNet.Readme.Tests.ReadmeSnippet<IrisClassifier>\n    {\n");
        s.Append("        public ").Append(className).Append("() : base(").Append(line).Append(", static seed => new IrisClassifier(seed)) { }\n\n");
        s.Append("        protected override void RunSnippet()\n        {\n");
        s.Append("#line ").Append(line + k).Append(' ').Append(Quote(readme)).Append('\n');
        for (; k < body.Count; k++)
        {
            s.Append(body[k]).Append('\n');
        }
        s.Append("#line default\n");
        s.Append("        }\n    }\n}\n");
        return s.ToString();
    }

    private static string Quote(string path) => "\"" + path.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Verbatim(string text) => "@\"" + text.Replace("\"", "\"\"") + "\"";

    private static void WriteIfChanged(string path, string text)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            File.WriteAllText(path, text);
        }
    }

    private void Error(string file, int line, string code, string message) =>
        Log.LogError(null, code, null, file, line, 1, line, 1, "README.md line " + line + ": " + message);
}
