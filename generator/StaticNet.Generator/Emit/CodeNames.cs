using System.Collections.Generic;
using System.Globalization;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// How generated code spells the types it uses: short names under a block of <c>using</c> directives inside the
/// network's namespace, or, where a short name could bind to something of the user's (see
/// <see cref="SimpleNames"/>), fully qualified <c>global::</c> names.
/// </summary>
internal sealed class CodeNames
{
    /// <summary>The namespaces the short spelling imports, inside the network's namespace declaration.</summary>
    public static readonly string[] Namespaces =
    {
        "System",
        "System.IO",
        "System.Numerics",
        "System.Runtime.CompilerServices",
        "System.Runtime.InteropServices",
        "StaticNet",
        "StaticNet.Compute",
    };

    private static readonly Dictionary<string, string> NamespaceOf = new()
    {
        ["Array"] = "System",
        ["Math"] = "System",
        ["MathF"] = "System",
        ["NotSupportedException"] = "System",
        ["ReadOnlySpan"] = "System",
        ["Span"] = "System",
        ["Stream"] = "System.IO",
        ["Vector"] = "System.Numerics",
        ["MethodImpl"] = "System.Runtime.CompilerServices",
        ["MethodImplOptions"] = "System.Runtime.CompilerServices",
        ["Unsafe"] = "System.Runtime.CompilerServices",
        ["MemoryMarshal"] = "System.Runtime.InteropServices",
        ["Activation"] = "StaticNet",
        ["INetwork"] = "StaticNet",
        ["IPredictor"] = "StaticNet",
        ["IFusedSgdStep"] = "StaticNet",
        ["Initializers"] = "StaticNet",
        ["InputNormalization"] = "StaticNet",
        ["Kernels"] = "StaticNet",
        ["LayerDescription"] = "StaticNet",
        ["Loss"] = "StaticNet",
        ["NetworkDescription"] = "StaticNet",
        ["NormalizationKind"] = "StaticNet",
        ["Precision"] = "StaticNet",
        ["Scratch"] = "StaticNet",
        ["SeededRandom"] = "StaticNet",
        ["ThrowHelper"] = "StaticNet",
        ["WeightFile"] = "StaticNet",
        ["WeightFileException"] = "StaticNet",
        ["WeightLoadOptions"] = "StaticNet",
        ["Activations"] = "StaticNet.Compute",
        ["DenseSample"] = "StaticNet.Compute",
        ["DenseTile"] = "StaticNet.Compute",
        ["IDenseLayer"] = "StaticNet.Compute",
        ["Losses"] = "StaticNet.Compute",
        ["Networks"] = "StaticNet.Compute",
        ["Targets"] = "StaticNet.Compute",
        ["Identity"] = "StaticNet.Compute",
        ["Sigmoid"] = "StaticNet.Compute",
        ["Tanh"] = "StaticNet.Compute",
        ["Relu"] = "StaticNet.Compute",
        ["LeakyRelu"] = "StaticNet.Compute",
        ["Elu"] = "StaticNet.Compute",
        ["Gelu"] = "StaticNet.Compute",
        ["Silu"] = "StaticNet.Compute",
        ["Softplus"] = "StaticNet.Compute",
        ["Step"] = "StaticNet.Compute",
    };

    /// <summary>
    /// Every simple type name the short spelling writes. Where the network's namespace (or its class) has a member
    /// of one of these names, the member would win over the imports, so that network is written with qualified names.
    /// </summary>
    public static IEnumerable<string> SimpleNames => NamespaceOf.Keys;

    public CodeNames(PrecisionKind precision, bool qualified)
    {
        Qualified = qualified;
        Precision = precision;
        T = precision == PrecisionKind.Double ? "double" : "float";
    }

    public bool Qualified { get; }

    public PrecisionKind Precision { get; }

    /// <summary>"float" or "double".</summary>
    public string T { get; }

    /// <summary>The spelling of the type <paramref name="simpleName"/> (one of <see cref="SimpleNames"/>).</summary>
    public string this[string simpleName] => Qualified ? "global::" + NamespaceOf[simpleName] + "." + simpleName : simpleName;

    /// <summary>MathF or Math.</summary>
    public string Math => this[Precision == PrecisionKind.Double ? "Math" : "MathF"];

    public string Span => $"{this["Span"]}<{T}>";

    public string ReadOnlySpan => $"{this["ReadOnlySpan"]}<{T}>";

    /// <summary><c>Vector&lt;T&gt;</c>.</summary>
    public string VectorT => $"{this["Vector"]}<{T}>";

    /// <summary>The number of lanes, a JIT-time constant.</summary>
    public string Lanes => $"{VectorT}.Count";

    public string Unsafe => this["Unsafe"];

    public string MemoryMarshal => this["MemoryMarshal"];

    public string Kernels => this["Kernels"];

    /// <summary>The attribute that compiles a method fully optimized at once (no tier-0 code for the hot loops).</summary>
    public string AggressiveOptimization => $"[{this["MethodImpl"]}({this["MethodImplOptions"]}.AggressiveOptimization)]";

    public string AggressiveInlining => $"[{this["MethodImpl"]}({this["MethodImplOptions"]}.AggressiveInlining)]";

    /// <summary>A literal of type T that round-trips <paramref name="value"/>.</summary>
    public string Literal(double value)
    {
        if (double.IsNaN(value))
        {
            return T + ".NaN";
        }
        if (double.IsInfinity(value) || (Precision == PrecisionKind.Float && float.IsInfinity((float)value)))
        {
            return value > 0 ? T + ".PositiveInfinity" : T + ".NegativeInfinity";
        }
        if (Precision == PrecisionKind.Double)
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
        }
        return ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
