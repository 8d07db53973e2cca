using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = tanh z; f' = 1 - a^2.</summary>
internal sealed class TanhEmitter : ActivationEmitter
{
    public static readonly TanhEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Tanh;

    public override string? SpanKernel => "Tanh";

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Tanh({z})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.TanhDerivative({a})";
}
