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
    public static bool RequireQualifiedNames(Compilation compilation, NetworkModel network, EquatableArray<string> networkNames)
    {
        if (network.Namespace is null || CodeNames.SimpleNames.Contains(network.ClassName, StringComparer.Ordinal))
        {
            return true;
        }
        // The generated classes are not in the compilation the generator sees: another network named like a short
        // name, in this network's namespace or in one the short spelling imports, conflicts too.
        foreach (string fullName in networkNames)
        {
            int dot = fullName.LastIndexOf('.');
            string space = dot < 0 ? "" : fullName.Substring(0, dot);
            string name = fullName.Substring(dot + 1);
            if (CodeNames.SimpleNames.Contains(name, StringComparer.Ordinal)
                && (space == network.Namespace || CodeNames.Namespaces.Contains(space, StringComparer.Ordinal)))
            {
                return true;
            }
        }
        // A type of the same simple name in two imported namespaces (a user's StaticNet.Unsafe) is ambiguous (CS0104).
        var imported = new System.Collections.Generic.List<INamespaceSymbol>();
        foreach (string name in CodeNames.Namespaces)
        {
            if (Resolve(compilation, name) is { } found)
            {
                imported.Add(found);
            }
        }
        foreach (string name in CodeNames.SimpleNames)
        {
            int homes = 0;
            foreach (INamespaceSymbol import in imported)
            {
                homes += import.GetMembers(name).Any(member => Visible(compilation, member)) ? 1 : 0;
            }
            if (homes > 1)
            {
                return true;
            }
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
            if (scope.GetMembers(name).Any(member => Visible(compilation, member)) || (userPart is not null && !userPart.GetMembers(name).IsEmpty))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether a member of a namespace can capture a name in this compilation: a namespace, or a type the compilation
    /// can see. A reference's internal polyfill (System.Numerics.Tensors' internal System.ThrowHelper) cannot.
    /// </summary>
    private static bool Visible(Compilation compilation, INamespaceOrTypeSymbol member) =>
        member is INamespaceSymbol || compilation.IsSymbolAccessibleWithin(member, compilation.Assembly);

    private static INamespaceSymbol? Resolve(Compilation compilation, string dottedName)
    {
        INamespaceSymbol? scope = compilation.GlobalNamespace;
        foreach (string part in dottedName.Split('.'))
        {
            scope = scope?.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
        }
        return scope;
    }
}
