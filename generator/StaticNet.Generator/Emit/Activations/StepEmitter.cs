using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>Heaviside: 1 for z &gt; 0, else 0. Inference only: networks with it get no gradient code.</summary>
internal sealed class StepEmitter : ActivationEmitter
{
    public static readonly StepEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Step;

    public override string Apply(string z, LayerModel layer, TypeNames types) => $"{TypeNames.Kernels}.Step({z})";

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => types.Literal(0);
}
