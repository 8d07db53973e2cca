using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace StaticNet.Package.Tests;

/// <summary>Paths in the repository the tests run from (found by walking up to StaticNet.sln).</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "StaticNet.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"StaticNet.sln not found above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootPath.Value;

    public static string SchemaPath => Path.Combine(Root, "src", "StaticNet", "schema", "staticnet.schema.json");

    /// <summary>Every *.staticnet.json of the repository, outside build output and hidden folders.</summary>
    public static IReadOnlyList<string> SpecFiles()
    {
        var found = new List<string>();
        Collect(new DirectoryInfo(Root), found);
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static void Collect(DirectoryInfo folder, List<string> found)
    {
        found.AddRange(folder.EnumerateFiles("*.staticnet.json").Select(f => f.FullName));
        foreach (DirectoryInfo child in folder.EnumerateDirectories())
        {
            if (child.Name.StartsWith('.') || child.Name is "bin" or "obj" or "artifacts" or "out" or "TestResults")
            {
                continue;
            }
            Collect(child, found);
        }
    }
}
