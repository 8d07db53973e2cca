using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace StaticNet.Generator.Tests.Infrastructure;

/// <summary>
/// Where this test project's source files are on disk. [CallerFilePath] is not enough on its own: CI builds
/// (ContinuousIntegrationBuild) map source paths to "/_/...", so a mapped path is resolved against the project
/// directory that the build records in the assembly's metadata.
/// </summary>
internal static class SourcePaths
{
    public static string ProjectDirectory { get; } = typeof(SourcePaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "ProjectDirectory").Value!;

    /// <summary>The real path of a source file given its (possibly mapped) compile-time path.</summary>
    public static string Resolve(string callerFilePath)
    {
        if (File.Exists(callerFilePath))
        {
            return callerFilePath;
        }
        string projectName = Path.GetFileName(ProjectDirectory.TrimEnd('/', '\\'));
        string normalized = callerFilePath.Replace('\\', '/');
        string marker = "/" + projectName + "/";
        int at = normalized.LastIndexOf(marker, StringComparison.Ordinal);
        return at < 0
            ? callerFilePath
            : Path.Combine(ProjectDirectory, normalized.Substring(at + marker.Length));
    }
}
