using System;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>
/// Softmax normalizes the whole layer, so the network emitter writes it as a pass over the outputs; its
/// gradient is folded into the loss (cross-entropy) or written as the Jacobian product (mse).
/// </summary>
internal sealed class SoftmaxEmitter : ActivationEmitter
{
    public static readonly SoftmaxEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Softmax;

    public override bool IsElementwise => false;

    public override string Apply(string z, LayerModel layer, TypeNames types) =>
        throw new InvalidOperationException("Softmax is not element-wise.");

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) =>
        throw new InvalidOperationException("Softmax is not element-wise.");
}
