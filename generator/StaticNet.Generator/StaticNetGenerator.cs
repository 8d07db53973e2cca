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
            .Select(static (pair, _) => BakeSafely(pair.Left, pair.Right))
            .WithTrackingName(Steps.Weights);

        // Full names that are namespaces of the compilation (its sources or references, System.Net): a class there
        // makes every reference to it ambiguous (CS0437). Only these few names are looked up, and the result is
        // value-equal, so an edit elsewhere in the compilation leaves everything downstream cached.
        IncrementalValueProvider<EquatableArray<string>> namespaceNames = specs
            .Where(static spec => spec.Network is not null)
            .Select(static (spec, _) => spec.Network!.FullName)
            .Collect()
            .Select(static (names, _) => new EquatableArray<string>(names.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal)))
            .Combine(context.CompilationProvider)
            .Select(static (pair, cancellationToken) => NamespacesAmong(pair.Left, pair.Right, cancellationToken));

        // Two specs defining the same class: the first (by path) wins, the others get SN0012. Names are compared
        // ignoring case, as Roslyn compares hint names (and some file systems compare the emitted files). A full
        // name that is also a namespace (of another spec, of generated code's references, of the compilation): SN0026.
        IncrementalValueProvider<EquatableArray<DiagnosticInfo>> duplicates = specs
            .Collect()
            .Combine(namespaceNames)
            .Select(static (pair, _) => FindDuplicates(pair.Left, pair.Right))
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

        // Every network's full name, for the short-name check below (generated classes are not in the compilation).
        IncrementalValueProvider<EquatableArray<string>> networkNames = specs
            .Where(static spec => spec.Network is not null)
            .Select(static (spec, _) => spec.Network!.FullName)
            .Collect()
            .Select(static (names, _) => new EquatableArray<string>(names.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal)));

        // Each spec is paired with what it needs only: whether it is a duplicate, and whether short type names
        // could bind to a user's type (a bool, so the emit step stays cached while the compilation changes).
        IncrementalValuesProvider<GeneratedFile> files = specs
            .Where(static spec => spec.Network is not null)
            .Combine(duplicates)
            .Where(static pair => !pair.Right.Any(d => d.FilePath == pair.Left.FilePath))
            .Select(static (pair, _) => pair.Left)
            .Combine(context.CompilationProvider.Combine(networkNames))
            .Select(static (pair, _) => (Spec: pair.Left, Qualified: QualifiedNamesSafely(pair.Right.Left, pair.Left.Network!, pair.Right.Right)))
            .Select(static (pair, _) => EmitSafely(pair.Spec, pair.Qualified))
            .WithTrackingName(Steps.Emit);

        context.RegisterSourceOutput(files, static (output, file) =>
        {
            if (file.Error is not null)
            {
                output.ReportDiagnostic(file.Error.ToDiagnostic());
                return;
            }
            try
            {
                output.AddSource(file.HintName, SourceText.From(file.Source, System.Text.Encoding.UTF8));
            }
            catch (ArgumentException exception)
            {
                // A hint name Roslyn refuses (or one already added): this spec's file only, never CS8785 for all.
                output.ReportDiagnostic(InternalError(file.FilePath, file.NameSpan, file.NameLineSpan, exception).ToDiagnostic());
            }
        });
    }

    private static SpecResult ParseSafely(AdditionalText file, string? rootNamespace, System.Threading.CancellationToken cancellationToken)
    {
        try
        {
            // Inside the try: a host whose GetText throws must cost this spec only, not the whole generator.
            FaultInjection.At(Steps.Parse, file.Path);
            SourceText? text = file.GetText(cancellationToken);
            return SpecParser.Parse(file.Path, text ?? SourceText.From(""), rootNamespace, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new SpecResult(null, new EquatableArray<DiagnosticInfo>(new[] { InternalError(file.Path, default, default, exception) }), file.Path, default, default);
        }
    }

    private static SpecResult ImportSafely(SpecResult spec, ImmutableArray<BinaryFile> files, System.Threading.CancellationToken cancellationToken)
    {
        try
        {
            FaultInjection.At(Steps.Onnx, spec.FilePath);
            return OnnxImporter.Import(spec, files, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            DiagnosticInfo error = spec.Onnx is { } reference
                ? InternalError(spec.FilePath, reference.Span, reference.LineSpan, exception)
                : InternalError(spec.FilePath, spec.NameSpan, spec.NameLineSpan, exception);
            return Failed(spec, error) with { Onnx = null };
        }
    }

    private static SpecResult BakeSafely(SpecResult spec, ImmutableArray<BinaryFile> files)
    {
        try
        {
            FaultInjection.At(Steps.Weights, spec.FilePath);
            return WeightBaker.Bake(spec, files);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            DiagnosticInfo error = spec.Weights is { } reference
                ? InternalError(spec.FilePath, reference.Span, reference.LineSpan, exception)
                : InternalError(spec.FilePath, spec.NameSpan, spec.NameLineSpan, exception);
            return Failed(spec, error);
        }
    }

    private static SpecResult Failed(SpecResult spec, DiagnosticInfo error) =>
        spec with { Network = null, Diagnostics = new EquatableArray<DiagnosticInfo>(spec.Diagnostics.Concat(new[] { error })) };

    /// <summary>SN0999 for an exception no step expected; the message is bounded, as a user's input may be in it.</summary>
    private static DiagnosticInfo InternalError(string path, TextSpan span, LinePositionSpan lineSpan, Exception exception) =>
        new(DiagnosticDescriptors.InternalError, path, span, lineSpan,
            new EquatableArray<string>(new[] { exception.GetType().Name + ": " + exception.Message }));

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

    private static bool QualifiedNamesSafely(Compilation compilation, NetworkModel network, EquatableArray<string> networkNames)
    {
        try
        {
            return NameConflicts.RequireQualifiedNames(compilation, network, networkNames);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return true;
        }
    }

    private static GeneratedFile EmitSafely(SpecResult spec, bool qualifiedNames)
    {
        try
        {
            FaultInjection.At(Steps.Emit, spec.FilePath);
            NetworkModel network = spec.Network!;
            return new GeneratedFile(NetworkEmitter.HintName(network), NetworkEmitter.Emit(network, qualifiedNames), null, spec.FilePath, spec.NameSpan, spec.NameLineSpan);
        }
        catch (Exception exception)
        {
            return new GeneratedFile("", "", InternalError(spec.FilePath, spec.NameSpan, spec.NameLineSpan, exception), spec.FilePath, spec.NameSpan, spec.NameLineSpan);
        }
    }

    private static readonly HashSet<string> s_referencedNamespaces = new(TypeNames.ReferencedNamespaces, StringComparer.Ordinal);

    private static readonly HashSet<string> s_referencedTypes = new(TypeNames.ReferencedTypes, StringComparer.Ordinal);

    private static readonly HashSet<string> s_compilerNamespaces = new(TypeNames.CompilerNamespaces, StringComparer.Ordinal);

    /// <summary>
    /// Conflicts between specs, and with what generated code refers to. SN0012: two specs define the same class
    /// (compared ignoring case, as Roslyn compares hint names and some file systems the emitted files; names are
    /// already as C# sees them, formatting characters removed); the first by path wins. SN0026: a network's full
    /// name is a namespace that another network is declared in, or a namespace or type that generated code names.
    /// Each spec is checked on its own: an unexpected exception costs that spec only (SN0999).
    /// </summary>
    /// <summary>Those of <paramref name="names"/> that are namespaces in <paramref name="compilation"/>; never throws.</summary>
    private static EquatableArray<string> NamespacesAmong(EquatableArray<string> names, Compilation compilation, System.Threading.CancellationToken cancellationToken)
    {
        var found = new List<string>();
        try
        {
            foreach (string name in names)
            {
                cancellationToken.ThrowIfCancellationRequested();
                INamespaceSymbol? current = compilation.GlobalNamespace;
                foreach (string segment in name.Split('.'))
                {
                    current = current?.GetMembers(segment).OfType<INamespaceSymbol>().FirstOrDefault();
                }
                if (current is not null)
                {
                    found.Add(name);
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Nothing is known then; the check is a courtesy, and the compiler still reports the conflict.
        }
        return new EquatableArray<string>(found);
    }

    private static EquatableArray<DiagnosticInfo> FindDuplicates(ImmutableArray<SpecResult> all, EquatableArray<string> compilationNamespaces)
    {
        var diagnostics = new List<DiagnosticInfo>();
        List<SpecResult> ordered = all.Where(spec => spec.Network is not null).OrderBy(spec => spec.FilePath, StringComparer.Ordinal).ToList();
        var first = new Dictionary<string, SpecResult>(StringComparer.OrdinalIgnoreCase);
        var kept = new List<SpecResult>();
        foreach (SpecResult spec in ordered)
        {
            try
            {
                FaultInjection.At(Steps.Duplicates, spec.FilePath);
                string fullName = spec.Network!.FullName;
                if (first.TryGetValue(fullName, out SpecResult? winner))
                {
                    diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.DuplicateNetwork, spec.FilePath, spec.NameSpan, spec.NameLineSpan,
                        new EquatableArray<string>(new[] { System.IO.Path.GetFileName(winner.FilePath), winner.Network!.FullName })));
                }
                else
                {
                    first.Add(fullName, spec);
                    kept.Add(spec);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                diagnostics.Add(InternalError(spec.FilePath, spec.NameSpan, spec.NameLineSpan, exception));
            }
        }

        // Namespaces the remaining networks are declared in, each with its first spec (by path), enclosing ones included.
        var declared = new Dictionary<string, SpecResult>(StringComparer.Ordinal);
        foreach (SpecResult spec in kept)
        {
            foreach (string enclosing in EnclosingNamespaces(spec.Network!.Namespace))
            {
                if (!declared.ContainsKey(enclosing))
                {
                    declared.Add(enclosing, spec);
                }
            }
        }

        foreach (SpecResult spec in kept)
        {
            try
            {
                string fullName = spec.Network!.FullName;
                (string What, string Name, string Conflict)? conflict =
                    s_referencedNamespaces.Contains(fullName)
                        ? ("The network's full name", fullName, $"is also a namespace that generated code refers to (global::{fullName}), so C# cannot tell them apart")
                    : s_referencedTypes.Contains(fullName)
                        ? ("The network's full name", fullName, $"is also a type that generated code or the compiler refers to (global::{fullName}), so C# cannot tell them apart")
                    : compilationNamespaces.Contains(fullName)
                        ? ("The network's full name", fullName, "is also a namespace of the project or its references, so C# cannot tell them apart")
                    : declared.TryGetValue(fullName, out SpecResult? other)
                        ? ("The network's full name", fullName, $"is also a namespace that the network in {System.IO.Path.GetFileName(other.FilePath)} is declared in, so C# cannot tell them apart")
                    // A namespace StaticNet.Kernels (or System.Math.X) hides the type generated code calls (CS0435).
                    : EnclosingNamespaces(spec.Network.Namespace).FirstOrDefault(s_referencedTypes.Contains) is { } shadowing
                        ? ("The network's namespace", shadowing, $"is also a type that generated code or the compiler refers to (global::{shadowing}), so C# cannot tell them apart")
                    : s_compilerNamespaces.Contains(spec.Network.Namespace ?? "")
                        ? ("The network's namespace", spec.Network.Namespace!, "is where the compiler looks up types it needs for generated code (attributes, RuntimeHelpers), which a network there could hide")
                    : null;
                if (conflict is { } found)
                {
                    diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.NameConflict, spec.FilePath, spec.NameSpan, spec.NameLineSpan,
                        new EquatableArray<string>(new[] { found.What, found.Name, found.Conflict })));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                diagnostics.Add(InternalError(spec.FilePath, spec.NameSpan, spec.NameLineSpan, exception));
            }
        }
        return new EquatableArray<DiagnosticInfo>(diagnostics);
    }

    /// <summary>"A", "A.B", "A.B.C" for "A.B.C"; nothing for the global namespace.</summary>
    private static IEnumerable<string> EnclosingNamespaces(string? ns)
    {
        if (ns is null)
        {
            yield break;
        }
        int dot = -1;
        do
        {
            dot = ns.IndexOf('.', dot + 1);
            yield return dot < 0 ? ns : ns.Substring(0, dot);
        }
        while (dot >= 0);
    }

    private sealed record GeneratedFile(string HintName, string Source, DiagnosticInfo? Error, string FilePath, TextSpan NameSpan, LinePositionSpan NameLineSpan);
}
