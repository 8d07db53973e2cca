using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = 1 / (1 + e^-z); f' = a (1 - a).</summary>
internal sealed class SigmoidEmitter : ActivationEmitter
{
    public static readonly SigmoidEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Sigmoid;

    public override string? SpanKernel => "Sigmoid";

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Sigmoid({z})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.SigmoidDerivative({a})";
}
