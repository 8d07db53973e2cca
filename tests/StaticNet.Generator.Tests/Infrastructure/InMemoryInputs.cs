using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Generator.Tests.Infrastructure;

/// <summary>An additional file that lives only in memory, as MSBuild would pass a <c>*.staticnet.json</c> item.</summary>
internal sealed class InMemoryAdditionalText : AdditionalText
{
    private readonly SourceText _text;

    public InMemoryAdditionalText(string path, string text)
    {
        Path = path;
        Text = text;
        _text = SourceText.From(text, Encoding.UTF8);
    }

    public override string Path { get; }

    public string Text { get; }

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>An additional file whose text cannot be read: the host throws, as a broken file system might.</summary>
internal sealed class ThrowingAdditionalText : AdditionalText
{
    public ThrowingAdditionalText(string path) => Path = path;

    public override string Path { get; }

    public override SourceText GetText(CancellationToken cancellationToken = default) =>
        throw new System.IO.IOException("The disk went away.");
}

/// <summary>Supplies <c>build_property.*</c> values the way the SDK does for <c>CompilerVisibleProperty</c> items.</summary>
internal sealed class TestOptionsProvider : AnalyzerConfigOptionsProvider
{
    private readonly TestOptions _global;

    public TestOptionsProvider(string? rootNamespace)
    {
        var values = ImmutableDictionary<string, string>.Empty;
        if (rootNamespace is not null)
        {
            values = values.Add("build_property.RootNamespace", rootNamespace);
        }
        _global = new TestOptions(values);
    }

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => TestOptions.Empty;

    private sealed class TestOptions : AnalyzerConfigOptions
    {
        public static readonly TestOptions Empty = new(ImmutableDictionary<string, string>.Empty);

        private readonly ImmutableDictionary<string, string> _values;

        public TestOptions(ImmutableDictionary<string, string> values) => _values = values;

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);

        public override IEnumerable<string> Keys => _values.Keys;
    }
}
