using System;
using System.Collections.Generic;

namespace StaticNet.Tests.Numerics;

/// <summary>
/// A deliberately naive forward pass and loss in double precision, written from the math and independent of
/// the generated code and of StaticNet.Kernels: the oracle the numeric tests compare against.
/// </summary>
public static class ReferenceNetwork
{
    /// <summary>Pre-activations and activations of every layer for one input.</summary>
    public static (List<double[]> Z, List<double[]> A) Forward(NetworkDescription network, IReadOnlyList<double> parameters, IReadOnlyList<double> input)
    {
        var zs = new List<double[]>();
        var activations = new List<double[]>();
        double[] current = new double[input.Count];
        for (int i = 0; i < input.Count; i++)
        {
            current[i] = input[i];
        }

        foreach (LayerDescription layer in network.Layers)
        {
            double[] z = new double[layer.Units];
            for (int j = 0; j < layer.Units; j++)
            {
                double sum = layer.HasBias ? parameters[layer.BiasOffset + j] : 0;
                for (int i = 0; i < layer.FanIn; i++)
                {
                    sum += parameters[layer.WeightOffset + j * layer.FanIn + i] * current[i];
                }
                z[j] = sum;
            }
            double[] a = Activate(layer, z);
            zs.Add(z);
            activations.Add(a);
            current = a;
        }
        return (zs, activations);
    }

    /// <summary>
    /// How far the input keeps every step unit's pre-activation from 0, relative to the size of its terms:
    /// min over step units of |z| / (|b| + sum |w x|), or infinity without step units. A computation in a
    /// precision of relative rounding error u can only flip a step unit whose margin is below about n u, so
    /// outputs of inputs with a margin above that can be compared exactly like every other output.
    /// </summary>
    public static double StepMargin(NetworkDescription network, IReadOnlyList<double> parameters, IReadOnlyList<double> input)
    {
        double margin = double.PositiveInfinity;
        double[] current = new double[input.Count];
        for (int i = 0; i < input.Count; i++)
        {
            current[i] = input[i];
        }
        (List<double[]> _, List<double[]> activations) = Forward(network, parameters, input);
        for (int l = 0; l < network.Layers.Count; l++)
        {
            LayerDescription layer = network.Layers[l];
            if (layer.Activation == Activation.Step)
            {
                for (int j = 0; j < layer.Units; j++)
                {
                    double z = layer.HasBias ? parameters[layer.BiasOffset + j] : 0;
                    double scale = Math.Abs(z);
                    for (int i = 0; i < layer.FanIn; i++)
                    {
                        double term = parameters[layer.WeightOffset + j * layer.FanIn + i] * current[i];
                        z += term;
                        scale += Math.Abs(term);
                    }
                    margin = Math.Min(margin, scale == 0 ? double.PositiveInfinity : Math.Abs(z) / scale);
                }
            }
            current = activations[l];
        }
        return margin;
    }

    public static double[] Predict(NetworkDescription network, IReadOnlyList<double> parameters, IReadOnlyList<double> input) =>
        Forward(network, parameters, input).A[^1];

    /// <summary>The per-sample loss with the conventions of DESIGN.md: mse and bce are means over the outputs.</summary>
    public static double Loss(NetworkDescription network, IReadOnlyList<double> parameters, IReadOnlyList<double> input, IReadOnlyList<double> target)
    {
        (List<double[]> zs, List<double[]> activations) = Forward(network, parameters, input);
        double[] z = zs[^1];
        double[] a = activations[^1];
        int n = a.Length;
        double loss = 0;
        switch (network.Loss)
        {
            case StaticNet.Loss.CrossEntropy:
                // Logits are z for both softmax and identity outputs.
                double max = double.NegativeInfinity;
                foreach (double value in z)
                {
                    max = Math.Max(max, value);
                }
                double total = 0;
                foreach (double value in z)
                {
                    total += Math.Exp(value - max);
                }
                double logSumExp = max + Math.Log(total);
                for (int j = 0; j < n; j++)
                {
                    loss -= target[j] * (z[j] - logSumExp);
                }
                return loss;
            case StaticNet.Loss.BinaryCrossEntropy:
                for (int j = 0; j < n; j++)
                {
                    loss -= target[j] * Math.Max(Math.Log(a[j]), -100) + (1 - target[j]) * Math.Max(Math.Log(1 - a[j]), -100);
                }
                return loss / n;
            default:
                for (int j = 0; j < n; j++)
                {
                    loss += (a[j] - target[j]) * (a[j] - target[j]);
                }
                return loss / n;
        }
    }

    private static double[] Activate(LayerDescription layer, double[] z)
    {
        double[] a = new double[z.Length];
        if (layer.Activation == Activation.Softmax)
        {
            double max = double.NegativeInfinity;
            foreach (double value in z)
            {
                max = Math.Max(max, value);
            }
            double total = 0;
            for (int j = 0; j < z.Length; j++)
            {
                a[j] = Math.Exp(z[j] - max);
                total += a[j];
            }
            for (int j = 0; j < z.Length; j++)
            {
                a[j] /= total;
            }
            return a;
        }

        for (int j = 0; j < z.Length; j++)
        {
            double x = z[j];
            a[j] = layer.Activation switch
            {
                Activation.Identity => x,
                Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
                Activation.Tanh => Math.Tanh(x),
                Activation.Relu => Math.Max(0, x),
                Activation.LeakyRelu => x > 0 ? x : layer.Alpha * x,
                Activation.Elu => x > 0 ? x : layer.Alpha * (Math.Exp(x) - 1),
                Activation.Gelu => x * NormalCdf(x),
                Activation.Silu => x / (1 + Math.Exp(-x)),
                Activation.Softplus => x > 20 ? x : Math.Log(1 + Math.Exp(x)),
                Activation.Step => x > 0 ? 1 : 0,
                _ => throw new ArgumentOutOfRangeException(nameof(layer)),
            };
        }
        return a;
    }

    /// <summary>Phi(x) by Simpson integration of the normal density: slow, simple and accurate to ~1e-13.</summary>
    public static double NormalCdf(double x)
    {
        if (x < -12)
        {
            return 0;
        }
        if (x > 12)
        {
            return 1;
        }
        // Phi(x) = 1/2 + integral from 0 to x of phi(t) dt.
        const int Intervals = 4000;
        double h = x / Intervals;
        double sum = Density(0) + Density(x);
        for (int k = 1; k < Intervals; k++)
        {
            sum += (k % 2 == 1 ? 4 : 2) * Density(k * h);
        }
        return 0.5 + sum * h / 3;

        static double Density(double t) => Math.Exp(-0.5 * t * t) / Math.Sqrt(2 * Math.PI);
    }
}
