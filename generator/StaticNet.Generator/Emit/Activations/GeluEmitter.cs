using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = z Phi(z) with the exact error function (PyTorch's default GELU).</summary>
internal sealed class GeluEmitter : ActivationEmitter
{
    public static readonly GeluEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Gelu;

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Gelu({z})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.GeluDerivative({z})";
}
