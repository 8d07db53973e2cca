using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit.Activations;

/// <summary>f(z) = z; f'(z) = 1.</summary>
internal sealed class IdentityEmitter : ActivationEmitter
{
    public static readonly IdentityEmitter Instance = new();

    public override ActivationKind Kind => ActivationKind.Identity;

    public override string Apply(string z, LayerModel layer, TypeNames types) => z;

    public override string? ApplyVector(string z, LayerModel layer, TypeNames types) => z;

    public override string Derivative(string z, string a, LayerModel layer, TypeNames types) => types.Literal(1);
}
