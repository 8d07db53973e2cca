using System;
using System.Linq;
using Xunit;

namespace StaticNet.Tests.Numerics;

/// <summary>The runtime's math against System.Math, over ranges that cover every branch.</summary>
public class KernelTests
{
    private static float[] Grid() =>
        Enumerable.Range(-40000, 80001).Select(k => k * 0.001f).Concat(new[] { -100f, -88f, -30f, 1e-6f, -1e-6f, 0f, 30f, 88f, 100f }).ToArray();

    [Fact]
    public void Vector_tanh_is_within_2e_7_of_Math_Tanh()
    {
        float[] x = Grid();
        float[] a = new float[x.Length];
        Kernels.Tanh(x, a);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - Math.Tanh(x[i])) <= 2e-7, $"tanh({x[i]}) = {a[i]}, expected {Math.Tanh(x[i])}");
        }
    }

    [Fact]
    public void Vector_sigmoid_is_within_2e_7_of_the_exact_value()
    {
        float[] x = Grid();
        float[] a = new float[x.Length];
        Kernels.Sigmoid(x, a);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 1 / (1 + Math.Exp(-(double)x[i]));
            Assert.True(Math.Abs(a[i] - exact) <= 2e-7, $"sigmoid({x[i]}) = {a[i]}, expected {exact}");
        }
    }

    [Fact]
    public void Vector_exp_has_a_relative_error_below_3e_7()
    {
        float[] x = Enumerable.Range(-8700, 17531).Select(k => k * 0.01f).ToArray();
        for (int i = 0; i + System.Numerics.Vector<float>.Count <= x.Length; i += System.Numerics.Vector<float>.Count)
        {
            System.Numerics.Vector<float> e = Kernels.Exp(new System.Numerics.Vector<float>(x, i));
            for (int lane = 0; lane < System.Numerics.Vector<float>.Count; lane++)
            {
                double exact = Math.Exp(x[i + lane]);
                Assert.True(Math.Abs(e[lane] - exact) <= 3e-7 * exact, $"exp({x[i + lane]}) = {e[lane]}, expected {exact}");
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(-1.7)]
    [InlineData(2.9)]
    [InlineData(3.1)]
    [InlineData(-5.5)]
    [InlineData(7.0)]
    public void Erf_matches_reference_values(double x)
    {
        // Phi(x) by the test's independent Simpson integration: erf(x) = 2 Phi(x sqrt 2) - 1.
        double expected = 2 * ReferenceNetwork.NormalCdf(x * Math.Sqrt(2)) - 1;
        Assert.Equal(expected, Kernels.Erf(x), 12);
    }
}
