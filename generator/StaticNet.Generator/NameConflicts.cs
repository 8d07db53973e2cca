using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;

namespace StaticNet.Generator;

/// <summary>
/// Whether a network must be written with fully qualified names: the short spelling puts <c>using</c> directives
/// inside the network's namespace, and a type or namespace of the same simple name declared directly in that
/// namespace (in source or in a reference), a member of the user's part of the partial class, or the class's
/// own name would take precedence over them. Networks in the global namespace always get qualified names (the
/// project's global usings live at that level and could make a short name ambiguous).
/// </summary>
internal static class NameConflicts
{
    public static bool RequireQualifiedNames(Compilation compilation, NetworkModel network)
    {
        if (network.Namespace is null || CodeNames.SimpleNames.Contains(network.ClassName, StringComparer.Ordinal))
        {
            return true;
        }
        INamespaceSymbol? scope = compilation.GlobalNamespace;
        foreach (string part in network.Namespace.Split('.'))
        {
            scope = scope.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
            if (scope is null)
            {
                return false;
            }
        }
        INamedTypeSymbol? userPart = scope.GetTypeMembers(network.ClassName, 0).FirstOrDefault();
        foreach (string name in CodeNames.SimpleNames)
        {
            if (scope.GetMembers(name).Any() || (userPart is not null && !userPart.GetMembers(name).IsEmpty))
            {
                return true;
            }
        }
        return false;
    }
}
