using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = z for z &gt; 0, else alpha (e^z - 1); f' = a + alpha below 0.</summary>
internal sealed class EluEmitter : ActivationEmitter
{
    public static readonly EluEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Elu;

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Elu({z}, {types.Literal(layer.Alpha)})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.EluDerivative({z}, {a}, {types.Literal(layer.Alpha)})";
}
