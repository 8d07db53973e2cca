using Microsoft.CodeAnalysis;

namespace StaticNet.Generator;

/// <summary>Turns every <c>*.staticnet.json</c> additional file into a network class.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class StaticNetGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
