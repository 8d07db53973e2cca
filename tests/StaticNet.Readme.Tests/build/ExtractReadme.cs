// The MSBuild task that makes README.md testable (compiled by RoslynCodeTaskFactory, see ReadmeSnippets.targets; not
// part of the test assembly). It reads every fenced block of the README and writes into one output folder:
//
//   spec-at-line-<n>/README.md.staticnet.json
//                               the first ```json/```jsonc block with a "name" field of each class name: a spec the
//                               StaticNet generator compiles into the test assembly (later blocks of the same name, the
//                               README's variants of its spec, would collide there: ReadmeProject compiles every spec block
//                               at test time). Padded to n-1 lines, so the generator's diagnostics name README.md's line.
//   ReadmeBlocks.g.cs           the catalog of every block (line, language, marker, text). The C# blocks are compiled at
//                               test time by ReadmeProject, each as the Program.cs of a fresh project.
//
// n is the README line of the block's first content line. A block is configured by an HTML comment on the last
// non-blank line before its fence:
//   <!-- readme-test: skip (why) -->         not tested (e.g. an excerpt of generated code with "...")
//   <!-- readme-test: standalone -->         a C# block compiled without the README's stated preamble (see ReadmeProject)
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
    // CommonMark: a fence may be indented by up to three spaces (e.g. inside a list item); the info string is the language.
    private static readonly Regex Fence = new Regex(@"^ {0,3}```([A-Za-z0-9_+-]*)\s*$");
    private static readonly Regex Marker = new Regex(@"^<!--\s*readme-test:\s*(.*?)\s*-->$");
    private static readonly Regex SpecName = new Regex("\"name\"\\s*:\\s*\"([^\"]*)\"");

    public override bool Execute()
    {
        string readme = Path.GetFullPath(Readme);
        string[] lines = File.ReadAllLines(readme);
        Directory.CreateDirectory(OutputFolder);
        foreach (string stale in Directory.GetFiles(OutputFolder, "README.L*"))   // C# blocks compiled here by earlier versions
        {
            File.Delete(stale);
        }
        foreach (string stale in Directory.GetDirectories(OutputFolder, "spec-at-line-*"))
        {
            Directory.Delete(stale, recursive: true);
        }

        var catalog = new StringBuilder();
        var specNames = new HashSet<string>(StringComparer.Ordinal);
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
            string kind = "";
            if (marker.Length > 0)
            {
                if (marker == "skip" || marker.StartsWith("skip ", StringComparison.Ordinal))
                {
                    skip = true;
                }
                else if (marker == "standalone" && (language == "csharp" || language == "cs"))
                {
                    kind = marker;
                }
                else
                {
                    Error(readme, fenceLine - 1, "README002", "Unknown readme-test marker '" + marker + "': expected 'skip (reason)', or 'standalone' before a C# block.");
                    return false;
                }
            }

            string text = string.Join("\n", body);
            if (!skip && (language == "json" || language == "jsonc") && text.Contains("\"name\""))
            {
                Match name = SpecName.Match(text);
                if (name.Success && specNames.Add(name.Groups[1].Value))
                {
                    // README.md.staticnet.json in a folder per block, padded so that its line numbers are README.md's: the
                    // generator's diagnostics then read ".../spec-at-line-25/README.md.staticnet.json(31,34): error SN0009 ...".
                    string folder = Path.Combine(OutputFolder, "spec-at-line-" + line);
                    Directory.CreateDirectory(folder);
                    string header = "// README.md lines " + line + "-" + (line + body.Count - 1) + " (extracted at build time; edit README.md). Line numbers here are README.md's.";
                    File.WriteAllText(Path.Combine(folder, "README.md.staticnet.json"), header + new string('\n', line - 1) + text + "\n");
                }
            }
            catalog.Append("            new ReadmeBlock(").Append(line).Append(", \"").Append(language).Append("\", ")
                   .Append(kind.Length > 0 ? "\"" + kind + "\"" : "null").Append(", ").Append(skip ? "true" : "false")
                   .Append(", ").Append(Verbatim(text)).Append("),\n");
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
