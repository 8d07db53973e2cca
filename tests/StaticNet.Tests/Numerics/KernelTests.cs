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
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    public void Softmax_matches_a_double_reference_for_every_length(int length)
    {
        // Logits around 0 (no shift needed) and far from it both ways (shifted by the maximum).
        foreach (float offset in new[] { 0f, 100f, -100f })
        {
            CheckSoftmax(length, offset);
        }
    }

    private static void CheckSoftmax(int length, float offset)
    {
        var random = new Random(length);
        float[] z = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 40 - 20) + offset).ToArray();
        float[] y = (float[])z.Clone();
        Kernels.Softmax(y);
        double max = z.Max();
        double total = z.Sum(v => Math.Exp(v - max));
        for (int j = 0; j < length; j++)
        {
            double expected = Math.Exp(z[j] - max) / total;
            // z - max rounds in float (about 1e-6 of |z| here), so tiny outputs carry that relative error.
            Assert.True(Math.Abs(y[j] - expected) <= 1e-7 + 1e-5 * expected, $"softmax[{j}] = {y[j]}, expected {expected}");
        }

        double[] d = z.Select(v => (double)v).ToArray();
        Kernels.Softmax(d);
        for (int j = 0; j < length; j++)
        {
            Assert.Equal(Math.Exp(z[j] - max) / total, d[j], 14);
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(3)]
    public void Softmax_propagates_NaN_to_every_output(int length)
    {
        float[] y = Enumerable.Range(0, length).Select(j => (float)j).ToArray();
        y[length / 2] = float.NaN;
        Kernels.Softmax(y);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void StoreSums_stores_the_lane_sum_of_each_accumulator()
    {
        int lanes = System.Numerics.Vector<float>.Count;
        var s = new System.Numerics.Vector<float>[8];
        var expected = new float[8];
        var d = new System.Numerics.Vector<double>[8];
        var expectedDouble = new double[8];
        for (int r = 0; r < 8; r++)
        {
            float[] values = Enumerable.Range(0, lanes).Select(k => (r + 1) * 0.5f + k * (k + r)).ToArray();
            s[r] = new System.Numerics.Vector<float>(values);
            expected[r] = values.Sum();
            double[] doubles = Enumerable.Range(0, System.Numerics.Vector<double>.Count).Select(k => (r + 1) * 0.25 + k * (k - r)).ToArray();
            d[r] = new System.Numerics.Vector<double>(doubles);
            expectedDouble[r] = doubles.Sum();
        }
        float[] sums = new float[9];
        Kernels.StoreSums(ref sums[0], s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
        Assert.Equal(expected, sums.Take(8));
        Assert.Equal(0f, sums[8]);
        double[] doubleSums = new double[8];
        Kernels.StoreSums(ref doubleSums[0], d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
        Assert.Equal(expectedDouble, doubleSums);
    }

    [Fact]
    public void Fold_adds_the_halves_of_a_512_bit_accumulator_when_Vector_T_is_256_bit()
    {
        if (System.Numerics.Vector<float>.Count != 8)
        {
            return;
        }
        var x = System.Runtime.Intrinsics.Vector512.Create(Enumerable.Range(0, 16).Select(k => k * 1.5f).ToArray());
        var c = System.Runtime.Intrinsics.Vector512.Create(1f);
        System.Numerics.Vector<float> folded = Kernels.Fold(Kernels.MultiplyAdd(x, x, c));
        for (int lane = 0; lane < 8; lane++)
        {
            float low = lane * 1.5f, high = (lane + 8) * 1.5f;
            Assert.Equal(low * low + 1 + (high * high + 1), folded[lane]);
        }
        var d = System.Runtime.Intrinsics.Vector512.Create(Enumerable.Range(0, 8).Select(k => k * 0.5).ToArray());
        System.Numerics.Vector<double> foldedDouble = Kernels.Fold(Kernels.MultiplyAdd(d, d, System.Runtime.Intrinsics.Vector512<double>.Zero));
        for (int lane = 0; lane < 4; lane++)
        {
            Assert.Equal(lane * 0.5 * (lane * 0.5) + (lane + 4) * 0.5 * ((lane + 4) * 0.5), foldedDouble[lane]);
        }
    }

    [Fact]
    public void Vector_relu_and_leaky_relu_match_the_scalar_forms_lane_by_lane()
    {
        float[] x = [-2f, -0f, 0f, 1.5f, float.NaN, float.NegativeInfinity, float.PositiveInfinity, -1e-30f,
            3f, -3f, 0.25f, -0.25f, 7f, -7f, 1f, -1f];
        for (int i = 0; i + System.Numerics.Vector<float>.Count <= x.Length; i += System.Numerics.Vector<float>.Count)
        {
            var v = new System.Numerics.Vector<float>(x, i);
            System.Numerics.Vector<float> relu = Kernels.Relu(v), leaky = Kernels.LeakyRelu(v, 0.01f);
            System.Numerics.Vector.Widen(v, out System.Numerics.Vector<double> low, out _);
            System.Numerics.Vector<double> reluDouble = Kernels.Relu(low);
            for (int lane = 0; lane < System.Numerics.Vector<float>.Count; lane++)
            {
                Assert.Equal(Kernels.Relu(x[i + lane]), relu[lane]);
                Assert.Equal(Kernels.LeakyRelu(x[i + lane], 0.01f), leaky[lane]);
            }
            for (int lane = 0; lane < System.Numerics.Vector<double>.Count; lane++)
            {
                Assert.Equal(Kernels.Relu((double)x[i + lane]), reluDouble[lane]);
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
