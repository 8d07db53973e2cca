using System;
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("StaticNet.Generator.Tests")]

namespace StaticNet.Generator;

/// <summary>
/// Test seam: every pipeline step calls <see cref="At"/> with its name and the spec's path before it works, so a
/// test can make one step throw for one spec and check that only that spec is lost. Null (one field read) in
/// production.
/// </summary>
internal static class FaultInjection
{
    /// <summary>Called with (step, spec path); a test sets it to throw for the spec it names.</summary>
    internal static volatile Action<string, string>? Hook;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void At(string step, string path) => Hook?.Invoke(step, path);
}
