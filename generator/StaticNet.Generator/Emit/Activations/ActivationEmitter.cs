using System;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>
/// How one activation appears in generated code: the expression of f(z), and of f'(z) given z and a = f(z).
/// The math itself lives in the runtime's <c>StaticNet.Kernels</c>, where it is tested once.
/// </summary>
internal abstract class ActivationEmitter
{
    public abstract ActivationKind Kind { get; }

    /// <summary>Whether the activation works element by element (all but softmax).</summary>
    public virtual bool IsElementwise => true;

    /// <summary>
    /// The <c>StaticNet.Kernels</c> method that applies the activation to a whole span (vectorized for float),
    /// or null when the activation is applied element by element as it is stored.
    /// </summary>
    public virtual string? SpanKernel => null;

    /// <summary>
    /// Expression for f of every lane of the vector <paramref name="z"/>, or null when the activation has no
    /// whole-vector form (it is then applied by its <see cref="SpanKernel"/> or <see cref="Apply"/> afterwards).
    /// </summary>
    public virtual string? ApplyVector(string z, LayerModel layer, TypeNames types) => null;

    /// <summary>Expression for f(<paramref name="z"/>).</summary>
    public abstract string Apply(string z, LayerModel layer, TypeNames types);

    /// <summary>Expression for f'(z) from <paramref name="z"/> and <paramref name="a"/> = f(z).</summary>
    public abstract string Derivative(string z, string a, LayerModel layer, TypeNames types);

    public static ActivationEmitter For(ActivationKind kind) => kind switch
    {
        ActivationKind.Identity => IdentityEmitter.Instance,
        ActivationKind.Sigmoid => SigmoidEmitter.Instance,
        ActivationKind.Tanh => TanhEmitter.Instance,
        ActivationKind.Relu => ReluEmitter.Instance,
        ActivationKind.LeakyRelu => LeakyReluEmitter.Instance,
        ActivationKind.Elu => EluEmitter.Instance,
        ActivationKind.Gelu => GeluEmitter.Instance,
        ActivationKind.Silu => SiluEmitter.Instance,
        ActivationKind.Softplus => SoftplusEmitter.Instance,
        ActivationKind.Softmax => SoftmaxEmitter.Instance,
        ActivationKind.Step => StepEmitter.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
