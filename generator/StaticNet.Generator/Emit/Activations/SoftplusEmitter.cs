using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = log(1 + e^z), linear above 20 like PyTorch.</summary>
internal sealed class SoftplusEmitter : ActivationEmitter
{
    public static readonly SoftplusEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Softplus;

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Softplus({z})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.SoftplusDerivative({z})";
}
