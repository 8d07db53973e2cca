using System.Globalization;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>The spellings that depend on the network's precision, and the fully qualified names emitted code uses.</summary>
internal sealed class TypeNames
{
    public const string Kernels = "global::StaticNet.Kernels";
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    public const string Vector = "global::System.Numerics.Vector";
    public const string Vector256 = "global::System.Runtime.Intrinsics.Vector256";
    public const string Vector512 = "global::System.Runtime.Intrinsics.Vector512";
    public const string Span = "global::System.Span";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan";

    /// <summary>
    /// Every namespace that generated code names after <c>global::</c>. A network whose full name equals one of
    /// these (a class <c>System</c> in the global namespace, <c>System.Runtime</c>) would make C# resolve
    /// <c>global::System...</c> to the network instead (CS0437 and then errors): such a spec gets SN0026.
    /// </summary>
    public static readonly string[] ReferencedNamespaces =
    {
        "System", "System.CodeDom", "System.CodeDom.Compiler", "System.IO", "System.Numerics", "System.Runtime",
        "System.Runtime.CompilerServices", "System.Runtime.InteropServices", "System.Runtime.Intrinsics", "StaticNet",
        "StaticNet.Compute",
    };

    /// <summary>Every type that generated code names after <c>global::</c> (attributes with and without the suffix).</summary>
    public static readonly string[] ReferencedTypes =
    {
        "System.Array", "System.CodeDom.Compiler.GeneratedCode", "System.CodeDom.Compiler.GeneratedCodeAttribute", "System.IO.Stream",
        "System.Math", "System.MathF", "System.NotSupportedException", "System.Numerics.Vector", "System.ReadOnlySpan", "System.Span",
        "System.Runtime.CompilerServices.MethodImpl", "System.Runtime.CompilerServices.MethodImplAttribute",
        "System.Runtime.CompilerServices.MethodImplOptions", "System.Runtime.CompilerServices.Unsafe",
        "System.Runtime.InteropServices.MemoryMarshal", "System.Runtime.Intrinsics.Vector256", "System.Runtime.Intrinsics.Vector512",
        "StaticNet.Activation", "StaticNet.IFusedSgdStep", "StaticNet.INetwork", "StaticNet.IPredictor", "StaticNet.Initializers", "StaticNet.InputNormalization", "StaticNet.Kernels",
        "StaticNet.LayerDescription", "StaticNet.Loss", "StaticNet.NetworkDescription", "StaticNet.NormalizationKind", "StaticNet.Precision",
        "StaticNet.Scratch", "StaticNet.SeededRandom", "StaticNet.ThrowHelper", "StaticNet.WeightFile", "StaticNet.WeightFileException",
        "StaticNet.WeightLoadOptions", "StaticNet.Compute.Activations", "StaticNet.Compute.DenseSample", "StaticNet.Compute.DenseTile",
        "StaticNet.Compute.IDenseLayer", "StaticNet.Compute.Losses", "StaticNet.Compute.Networks", "StaticNet.Compute.Targets",
        "StaticNet.Compute.Identity", "StaticNet.Compute.Sigmoid", "StaticNet.Compute.Tanh", "StaticNet.Compute.Relu", "StaticNet.Compute.LeakyRelu",
        "StaticNet.Compute.Elu", "StaticNet.Compute.Gelu", "StaticNet.Compute.Silu", "StaticNet.Compute.Softplus", "StaticNet.Compute.Step",

        // Types the compiler itself uses for generated code: the special types behind keywords and every class,
        // enum, array, span and attribute, and the debugging attribute it emits.
        "System.Object", "System.String", "System.Boolean", "System.Char", "System.Byte", "System.SByte", "System.Int16",
        "System.UInt16", "System.Int32", "System.UInt32", "System.Int64", "System.UInt64", "System.IntPtr", "System.UIntPtr",
        "System.Single", "System.Double", "System.Decimal", "System.Void", "System.ValueType", "System.Enum", "System.Delegate",
        "System.MulticastDelegate", "System.Attribute", "System.AttributeUsageAttribute", "System.AttributeTargets",
        "System.Nullable", "System.Type", "System.Exception", "System.ArgumentException", "System.IDisposable",
        "System.RuntimeFieldHandle", "System.RuntimeTypeHandle", "System.RuntimeMethodHandle", "System.ParamArrayAttribute",
        "System.ObsoleteAttribute", "System.FlagsAttribute", "System.Diagnostics.DebuggableAttribute",
    };

    /// <summary>
    /// Namespaces where the compiler looks up types it needs for any code (nullable, readonly and ref-safety
    /// attributes, RuntimeHelpers for constant data, marshalling attributes): a network may not be declared there.
    /// </summary>
    public static readonly string[] CompilerNamespaces =
    {
        "System.Runtime.CompilerServices", "System.Runtime.InteropServices",
    };

    private TypeNames(PrecisionKind precision)
    {
        Precision = precision;
        T = precision == PrecisionKind.Double ? "double" : "float";
        Math = precision == PrecisionKind.Double ? "global::System.Math" : "global::System.MathF";
    }

    public static TypeNames Float { get; } = new(PrecisionKind.Float);

    public static TypeNames Double { get; } = new(PrecisionKind.Double);

    public static TypeNames For(PrecisionKind precision) => precision == PrecisionKind.Double ? Double : Float;

    public PrecisionKind Precision { get; }

    /// <summary>"float" or "double".</summary>
    public string T { get; }

    /// <summary>MathF or Math.</summary>
    public string Math { get; }

    /// <summary><c>Vector&lt;T&gt;</c>.</summary>
    public string VectorT => $"global::System.Numerics.Vector<{T}>";

    /// <summary>The number of lanes, a JIT-time constant.</summary>
    public string Lanes => $"{VectorT}.Count";

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
