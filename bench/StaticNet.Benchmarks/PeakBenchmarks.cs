using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace StaticNet.Benchmarks;

/// <summary>
/// The machine's measured single-core arithmetic peak, for the report's GFLOP/s table: <see cref="Chains"/>
/// independent FMA chains kept in registers (more than latency x ports, so the FMA units never wait), run for
/// <see cref="Iterations"/> rounds. FLOPs per call = Iterations x Chains x lanes x 2.
/// </summary>
[MemoryDiagnoser]
public class PeakBenchmarks
{
    public const int Iterations = 4096;
    public const int Chains = 12;

    private float _seed = 1e-3f;

    /// <summary>256-bit FMAs (the width of <c>Vector&lt;float&gt;</c> here).</summary>
    [Benchmark]
    public float Peak_Fma256()
    {
        if (!Fma.IsSupported)
        {
            return 0;
        }
        Vector256<float> m = Vector256.Create(0.999f), c = Vector256.Create(_seed);
        Vector256<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c); a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c); a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c); a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        return Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    /// <summary>512-bit FMAs (what ONNX Runtime's MLAS kernels use on this CPU); 0 without AVX-512.</summary>
    [Benchmark]
    public float Peak_Fma512()
    {
        if (!Avx512F.IsSupported)
        {
            return 0;
        }
        Vector512<float> m = Vector512.Create(0.999f), c = Vector512.Create(_seed);
        Vector512<float> a0 = c, a1 = c, a2 = c, a3 = c, a4 = c, a5 = c, a6 = c, a7 = c, a8 = c, a9 = c, a10 = c, a11 = c;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c); a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c); a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c); a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Sum(Vector256<float> value) => Vector256.Sum(value);
}
