using System.ComponentModel;

namespace StaticNet.Compute;

/// <summary>
/// A size known when the JIT compiles a kernel: generated classes declare one small struct per layer width
/// (<c>private struct In784 : ISize { public static int Value => 784; }</c>) and pass it as a type argument, so
/// every instantiation over value types is compiled on its own with the size folded to a constant.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISize
{
    /// <summary>The size.</summary>
    static abstract int Value { get; }
}

/// <summary>The size 1.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Size1 : ISize
{
    /// <inheritdoc />
    public static int Value => 1;
}

/// <summary>The size 2.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Size2 : ISize
{
    /// <inheritdoc />
    public static int Value => 2;
}

/// <summary>The size 3.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Size3 : ISize
{
    /// <inheritdoc />
    public static int Value => 3;
}

/// <summary>The size 4.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Size4 : ISize
{
    /// <inheritdoc />
    public static int Value => 4;
}

/// <summary>The size 5.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Size5 : ISize
{
    /// <inheritdoc />
    public static int Value => 5;
}

/// <summary>The size 6.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Size6 : ISize
{
    /// <inheritdoc />
    public static int Value => 6;
}

/// <summary>The size 7.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Size7 : ISize
{
    /// <inheritdoc />
    public static int Value => 7;
}

/// <summary>The size 8.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Size8 : ISize
{
    /// <inheritdoc />
    public static int Value => 8;
}

/// <summary>
/// A dense layer's shape and place in the parameters, known when the JIT compiles a kernel: generated classes
/// declare one small struct per layer and pass it as a type argument, so sizes and offsets fold to constants.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDenseLayer
{
    /// <summary>Inputs of the layer (its fan-in).</summary>
    static abstract int Inputs { get; }

    /// <summary>Outputs of the layer.</summary>
    static abstract int Units { get; }

    /// <summary>Where the weight [Units x Inputs] starts in the parameters (and in a gradient of the same layout).</summary>
    static abstract int Weights { get; }

    /// <summary>Where the bias [Units] starts, or -1 for a layer without one.</summary>
    static abstract int Bias { get; }

    /// <summary>The activation's parameter (leaky_relu, elu); 0 for the others.</summary>
    static virtual double Alpha => 0;
}
