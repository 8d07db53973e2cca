using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace StaticNet.Tests.Numerics;

/// <summary>Finds the networks generated into this test assembly, for theories over all of them.</summary>
public static class Networks
{
    private static readonly Type[] All = typeof(Networks).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && t.GetConstructor(new[] { typeof(int) }) is not null
            && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(INetwork<>)))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    public static IEnumerable<object[]> Named(Func<string, bool> filter) =>
        All.Where(t => filter(t.Name)).Select(t => new object[] { t.Name });

    public static Type Find(string name) => All.Single(t => t.Name == name);

    public static INetwork<T> Create<T>(string name, int seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        (INetwork<T>)Activator.CreateInstance(Find(name), seed)!;

    public static bool IsDouble(string name) =>
        Find(name).GetInterfaces().Contains(typeof(INetwork<double>));
}
