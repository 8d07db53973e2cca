using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = max(0, z); f' = 1 for z &gt; 0, else 0 (PyTorch's choice at 0).</summary>
internal sealed class ReluEmitter : ActivationEmitter
{
    public static readonly ReluEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Relu;

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Relu({z})";

    public override string? ApplyVector(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Relu({z})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.ReluDerivative({z})";
}
