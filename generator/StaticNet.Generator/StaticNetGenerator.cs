using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;
using StaticNet.Generator.Parsing;

namespace StaticNet.Generator;

/// <summary>
/// Turns every <c>*.staticnet.json</c> additional file into a network class. This file only wires the
/// pipeline: <see cref="SpecParser"/> reads a spec into a value-equal model, <see cref="NetworkEmitter"/>
/// writes the class. Each spec flows through on its own, so editing one regenerates only that network.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class StaticNetGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>Spec text to model and diagnostics.</summary>
        public const string Parse = nameof(Parse);

        /// <summary>A spec's ONNX file resolved, read and turned into its topology and baked weights.</summary>
        public const string Onnx = nameof(Onnx);

        /// <summary>A spec's weight file resolved, validated and baked into its model.</summary>
        public const string Weights = nameof(Weights);

        /// <summary>Class names defined by more than one spec.</summary>
        public const string Duplicates = nameof(Duplicates);

        /// <summary>Model to generated source.</summary>
        public const string Emit = nameof(Emit);
    }

    private const string SpecSuffix = ".staticnet.json";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<string?> rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out string? value) ? value : null);

        IncrementalValuesProvider<SpecResult> parsed = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(SpecSuffix, StringComparison.OrdinalIgnoreCase))
            .Combine(rootNamespace)
            .Select(static (pair, cancellationToken) => ParseSafely(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(Steps.Parse);

        // Weight files are compared by content, so a spec without "weights" stays cached when one changes.
        IncrementalValueProvider<ImmutableArray<BinaryFile>> weightFiles = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(BinaryAdditionalFile.Suffix, StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => ReadBinary(file, cancellationToken))
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .Collect();

        // Specs without "onnx" pass through unchanged (equal), so they stay cached when an ONNX file changes.
        IncrementalValuesProvider<SpecResult> imported = parsed
            .Combine(weightFiles)
            .Select(static (pair, cancellationToken) => ImportSafely(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(Steps.Onnx);

        IncrementalValuesProvider<SpecResult> specs = imported
            .Combine(weightFiles)
            .Select(static (pair, _) => WeightBaker.Bake(pair.Left, pair.Right))
            .WithTrackingName(Steps.Weights);

        // Two specs defining the same class: the first (by path) wins, the others get SN0012. Names are compared
        // ignoring case, as Roslyn compares hint names (and some file systems compare the emitted files).
        IncrementalValueProvider<EquatableArray<DiagnosticInfo>> duplicates = specs
            .Collect()
            .Select(static (all, _) => FindDuplicates(all))
            .WithTrackingName(Steps.Duplicates);

        context.RegisterSourceOutput(specs, static (output, spec) =>
        {
            foreach (DiagnosticInfo diagnostic in spec.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        context.RegisterSourceOutput(duplicates, static (output, diagnostics) =>
        {
            foreach (DiagnosticInfo diagnostic in diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        // Each spec is paired with what it needs only: whether it is a duplicate, and whether short type names
        // could bind to a user's type (a bool, so the emit step stays cached while the compilation changes).
        IncrementalValuesProvider<GeneratedFile> files = specs
            .Where(static spec => spec.Network is not null)
            .Combine(duplicates)
            .Where(static pair => !pair.Right.Any(d => d.FilePath == pair.Left.FilePath))
            .Select(static (pair, _) => pair.Left)
            .Combine(context.CompilationProvider)
            .Select(static (pair, _) => (Spec: pair.Left, Qualified: QualifiedNamesSafely(pair.Right, pair.Left.Network!)))
            .Select(static (pair, _) => EmitSafely(pair.Spec, pair.Qualified))
            .WithTrackingName(Steps.Emit);

        context.RegisterSourceOutput(files, static (output, file) =>
        {
            if (file.Error is not null)
            {
                output.ReportDiagnostic(file.Error.ToDiagnostic());
            }
            else
            {
                output.AddSource(file.HintName, SourceText.From(file.Source, System.Text.Encoding.UTF8));
            }
        });
    }

    private static SpecResult ParseSafely(AdditionalText file, string? rootNamespace, System.Threading.CancellationToken cancellationToken)
    {
        try
        {
            // Inside the try: a host whose GetText throws must cost this spec only, not the whole generator.
            SourceText? text = file.GetText(cancellationToken);
            return SpecParser.Parse(file.Path, text ?? SourceText.From(""), rootNamespace, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var error = new DiagnosticInfo(DiagnosticDescriptors.InternalError, file.Path, default, default,
                new EquatableArray<string>(new[] { exception.GetType().Name + ": " + exception.Message }));
            return new SpecResult(null, new EquatableArray<DiagnosticInfo>(new[] { error }), file.Path, default, default);
        }
    }

    private static SpecResult ImportSafely(SpecResult spec, ImmutableArray<BinaryFile> files, System.Threading.CancellationToken cancellationToken)
    {
        try
        {
            return OnnxImporter.Import(spec, files, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            OnnxReference reference = spec.Onnx!;
            var error = new DiagnosticInfo(DiagnosticDescriptors.InternalError, spec.FilePath, reference.Span, reference.LineSpan,
                new EquatableArray<string>(new[] { exception.GetType().Name + ": " + exception.Message }));
            return spec with { Network = null, Onnx = null, Diagnostics = new EquatableArray<DiagnosticInfo>(spec.Diagnostics.Concat(new[] { error })) };
        }
    }

    private static BinaryFile? ReadBinary(AdditionalText file, System.Threading.CancellationToken cancellationToken)
    {
        try
        {
            SourceText? text = file.GetText(cancellationToken);
            if (text is null || BinaryAdditionalFile.Decode(text) is not { } decoded)
            {
                return null;
            }
            return new BinaryFile(System.IO.Path.GetFullPath(decoded.Path), new EquatableArray<byte>(ImmutableArray.Create(decoded.Bytes)));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An unreadable copy or one whose first line is no path ("", "\0"; GetFullPath throws): not a weight
            // file. A spec naming it then gets SN0018 instead of the whole generator failing (CS8785).
            return null;
        }
    }

    private static bool QualifiedNamesSafely(Compilation compilation, NetworkModel network)
    {
        try
        {
            return NameConflicts.RequireQualifiedNames(compilation, network);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return true;
        }
    }

    private static GeneratedFile EmitSafely(SpecResult spec, bool qualifiedNames)
    {
        NetworkModel network = spec.Network!;
        try
        {
            return new GeneratedFile(NetworkEmitter.HintName(network), NetworkEmitter.Emit(network, qualifiedNames), null);
        }
        catch (Exception exception)
        {
            var error = new DiagnosticInfo(DiagnosticDescriptors.InternalError, spec.FilePath, spec.NameSpan, spec.NameLineSpan,
                new EquatableArray<string>(new[] { exception.GetType().Name + ": " + exception.Message }));
            return new GeneratedFile(NetworkEmitter.HintName(network), "", error);
        }
    }

    private static EquatableArray<DiagnosticInfo> FindDuplicates(ImmutableArray<SpecResult> all)
    {
        var diagnostics = new List<DiagnosticInfo>();
        foreach (IGrouping<string, SpecResult> group in all
            .Where(spec => spec.Network is not null)
            .GroupBy(spec => spec.Network!.FullName, StringComparer.OrdinalIgnoreCase))
        {
            List<SpecResult> ordered = group.OrderBy(spec => spec.FilePath, StringComparer.Ordinal).ToList();
            foreach (SpecResult duplicate in ordered.Skip(1))
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.DuplicateNetwork, duplicate.FilePath, duplicate.NameSpan, duplicate.NameLineSpan,
                    new EquatableArray<string>(new[] { System.IO.Path.GetFileName(ordered[0].FilePath), ordered[0].Network!.FullName })));
            }
        }
        return new EquatableArray<DiagnosticInfo>(diagnostics);
    }

    private sealed record GeneratedFile(string HintName, string Source, DiagnosticInfo? Error);
}
