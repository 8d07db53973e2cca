using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = z sigmoid(z).</summary>
internal sealed class SiluEmitter : ActivationEmitter
{
    public static readonly SiluEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Silu;

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Silu({z})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.SiluDerivative({z})";
}
