using System;

namespace StaticNet.Readme.Tests;

/// <summary>One fenced block of README.md, as build/ExtractReadme.cs found it at build time.</summary>
/// <param name="Line">README line of the block's first content line.</param>
/// <param name="Language">The fence's info string: csharp, jsonc, json, xml, python, sh, or empty.</param>
/// <param name="Marker">The <c>readme-test: standalone</c> marker before a C# block, or null.</param>
/// <param name="Skipped">Whether a <c>readme-test: skip</c> marker excludes the block.</param>
/// <param name="Text">The block's content.</param>
internal sealed record ReadmeBlock(int Line, string Language, string? Marker, bool Skipped, string Text)
{
    /// <summary>A C# block that is compiled and run (see <see cref="ReadmeProject"/>).</summary>
    public bool IsSnippet => !Skipped && Language is "csharp" or "cs";

    public override string ToString() => $"README.md line {Line} ({Language})";
}
