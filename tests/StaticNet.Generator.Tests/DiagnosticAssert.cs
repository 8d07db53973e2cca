using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Tests.Infrastructure;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>Runs one marked spec and checks a diagnostic's id, severity, exact location and message.</summary>
internal static class DiagnosticAssert
{
    public const string SpecPath = "/project/Specs/Net.staticnet.json";

    /// <summary>
    /// Runs the spec in <paramref name="marked"/> (with its <c>[|...|]</c> marker removed) and returns the one
    /// diagnostic with <paramref name="id"/>, after checking that it covers exactly the marked text, starts at
    /// the hand-counted 1-based <paramref name="line"/> and <paramref name="column"/>, and that its message
    /// contains every fragment. An error also means that no source was generated.
    /// </summary>
    public static Diagnostic Expect(string marked, string id, DiagnosticSeverity severity, int line, int column, params string[] messageFragments) =>
        Expect(marked, id, severity, line, column, out _, messageFragments);

    public static Diagnostic Expect(string marked, string id, DiagnosticSeverity severity, int line, int column, out GeneratorRun run, params string[] messageFragments)
    {
        Markup markup = Markup.Parse(marked);
        Assert.Equal((line, column), markup.Start); // the hand count and the marker agree
        run = GeneratorHarness.Run(markup.Text);
        run.AssertDidNotCrash();

        List<Diagnostic> matching = run.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}, got:\n{GeneratorRun.Describe(run.Diagnostics)}");
        Diagnostic diagnostic = matching[0];

        Assert.Equal(severity, diagnostic.Severity);
        AssertLocation(diagnostic, SpecPath, markup);
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string fragment in messageFragments)
        {
            Assert.Contains(fragment, message);
        }
        if (severity == DiagnosticSeverity.Error)
        {
            Assert.Empty(run.Sources);
        }
        return diagnostic;
    }

    public static void AssertLocation(Diagnostic diagnostic, string path, Markup markup)
    {
        Assert.Equal(LocationKind.ExternalFile, diagnostic.Location.Kind);
        Assert.Equal(markup.Span, diagnostic.Location.SourceSpan);
        FileLinePositionSpan lineSpan = diagnostic.Location.GetLineSpan();
        Assert.Equal(path, lineSpan.Path);
        Assert.Equal(markup.Start, OneBased(lineSpan.StartLinePosition));
        Assert.Equal(markup.End, OneBased(lineSpan.EndLinePosition));
    }

    private static (int Line, int Column) OneBased(LinePosition position) => (position.Line + 1, position.Character + 1);
}
