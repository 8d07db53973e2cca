using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = z for z &gt; 0, else alpha z.</summary>
internal sealed class LeakyReluEmitter : ActivationEmitter
{
    public static readonly LeakyReluEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.LeakyRelu;

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.LeakyRelu({z}, {types.Literal(layer.Alpha)})";

    public override string? ApplyVector(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.LeakyRelu({z}, {types.Literal(layer.Alpha)})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.LeakyReluDerivative({z}, {types.Literal(layer.Alpha)})";
}
