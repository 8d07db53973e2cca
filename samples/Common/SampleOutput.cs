using System;
using System.IO;

namespace Samples.Common;

/// <summary>Where a sample writes its files (weights, plots).</summary>
internal static class SampleOutput
{
    /// <summary>
    /// The folder given on the command line, else <c>out/</c> in the sample's project folder (found upward from the
    /// program, e.g. samples/Iris/out, which git ignores), else <c>out/</c> in the current folder. Created if missing.
    /// </summary>
    public static string Resolve(string? folder, string projectName)
    {
        string path = folder is { Length: > 0 } ? Path.GetFullPath(folder) : Default(projectName);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Default(string projectName)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, projectName + ".csproj")))
            {
                return Path.Combine(dir.FullName, "out");
            }
        }

        return Path.GetFullPath("out");
    }
}
