using System;
using System.Numerics;

namespace StaticNet.Tests.Golden;

/// <summary>
/// A slow, plainly written dense network for any <see cref="NetworkDescription"/>: forward and backward in
/// double precision, one layer at a time, with the loss conventions of DESIGN.md sec. 3. It checks the golden
/// files and the golden test harness independently of the source generator.
/// </summary>
internal sealed class ReferenceNetwork<T> : INetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _parameters;

    public ReferenceNetwork(NetworkDescription description)
    {
        Description = description;
        _parameters = new T[description.ParameterCount];
    }

    public NetworkDescription Description { get; }

    public int InputSize => Description.InputSize;

    public int OutputSize => Description.OutputSize;

    public int ParameterCount => Description.ParameterCount;

    public Span<T> Parameters => _parameters;

    public bool IsTrainable => !Description.IsInferenceOnly;

    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        double[][] activations = Forward(input, out _);
        double[] last = activations[^1];
        for (int i = 0; i < last.Length; i++)
        {
            output[i] = T.CreateTruncating(last[i]);
        }
    }

    public void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs)
    {
        for (int s = 0; s < inputs.Length / InputSize; s++)
        {
            Predict(inputs.Slice(s * InputSize, InputSize), outputs.Slice(s * OutputSize, OutputSize));
        }
    }

    public int Classify(ReadOnlySpan<T> input)
    {
        double[] output = Forward(input, out _)[^1];
        int best = 0;
        for (int i = 1; i < output.Length; i++)
        {
            best = output[i] > output[best] ? i : best;
        }
        return best;
    }

    public T AccumulateGradient(ReadOnlySpan<T> input, int label, Span<T> gradient)
    {
        var target = new T[OutputSize];
        target[label] = T.One;
        return AccumulateGradient(input, target, gradient);
    }

    public T AccumulateGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient)
    {
        double[][] activations = Forward(input, out double[][] preActivations);
        double[] z = preActivations[^1];
        double[] y = activations[^1];
        int k = y.Length;
        var delta = new double[k];
        double loss = 0;
        LayerDescription lastLayer = Description.Layers[^1];
        switch (Description.Loss)
        {
            case Loss.CrossEntropy:
            {
                // -sum t log softmax(z), on the pre-softmax values (or the identity outputs as logits).
                double max = double.NegativeInfinity, sumExp = 0, sumTarget = 0;
                foreach (double v in z)
                {
                    max = Math.Max(max, v);
                }
                foreach (double v in z)
                {
                    sumExp += Math.Exp(v - max);
                }
                double logSumExp = max + Math.Log(sumExp);
                for (int i = 0; i < k; i++)
                {
                    double t = double.CreateTruncating(target[i]);
                    loss -= t * (z[i] - logSumExp);
                    sumTarget += t;
                }
                for (int i = 0; i < k; i++)
                {
                    delta[i] = Math.Exp(z[i] - logSumExp) * sumTarget - double.CreateTruncating(target[i]);
                }
                break;
            }
            case Loss.BinaryCrossEntropy:
            {
                var dy = new double[k];
                for (int i = 0; i < k; i++)
                {
                    double t = double.CreateTruncating(target[i]);
                    loss -= (t * Math.Max(Math.Log(y[i]), -100) + (1 - t) * Math.Max(Math.Log(1 - y[i]), -100)) / k;
                    dy[i] = (y[i] - t) / Math.Max(y[i] * (1 - y[i]), 1e-12) / k;
                }
                delta = BackThroughActivation(lastLayer, z, y, dy);
                break;
            }
            default:
            {
                var dy = new double[k];
                for (int i = 0; i < k; i++)
                {
                    double d = y[i] - double.CreateTruncating(target[i]);
                    loss += d * d / k;
                    dy[i] = 2 * d / k;
                }
                delta = BackThroughActivation(lastLayer, z, y, dy);
                break;
            }
        }

        for (int l = Description.Layers.Count - 1; l >= 0; l--)
        {
            LayerDescription layer = Description.Layers[l];
            double[] x = activations[l];
            for (int o = 0; o < layer.Units; o++)
            {
                for (int i = 0; i < layer.FanIn; i++)
                {
                    int index = layer.WeightOffset + o * layer.FanIn + i;
                    gradient[index] += T.CreateTruncating(delta[o] * x[i]);
                }
                if (layer.HasBias)
                {
                    gradient[layer.BiasOffset + o] += T.CreateTruncating(delta[o]);
                }
            }
            if (l == 0)
            {
                break;
            }
            var dx = new double[layer.FanIn];
            for (int i = 0; i < layer.FanIn; i++)
            {
                for (int o = 0; o < layer.Units; o++)
                {
                    dx[i] += Weight(layer, o, i) * delta[o];
                }
            }
            delta = BackThroughActivation(Description.Layers[l - 1], preActivations[l - 1], activations[l], dx);
        }
        return T.CreateTruncating(loss);
    }

    private double Weight(LayerDescription layer, int output, int input) =>
        double.CreateTruncating(_parameters[layer.WeightOffset + output * layer.FanIn + input]);

    /// <summary>activations[0] is the input, activations[l + 1] the output of layer l; preActivations[l] its W x + b.</summary>
    private double[][] Forward(ReadOnlySpan<T> input, out double[][] preActivations)
    {
        var activations = new double[Description.Layers.Count + 1][];
        preActivations = new double[Description.Layers.Count][];
        activations[0] = new double[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            activations[0][i] = double.CreateTruncating(input[i]);
        }
        for (int l = 0; l < Description.Layers.Count; l++)
        {
            LayerDescription layer = Description.Layers[l];
            var z = new double[layer.Units];
            for (int o = 0; o < layer.Units; o++)
            {
                double sum = layer.HasBias ? double.CreateTruncating(_parameters[layer.BiasOffset + o]) : 0;
                for (int i = 0; i < layer.FanIn; i++)
                {
                    sum += Weight(layer, o, i) * activations[l][i];
                }
                z[o] = sum;
            }
            preActivations[l] = z;
            activations[l + 1] = Activate(layer, z);
        }
        return activations;
    }

    private static double[] Activate(LayerDescription layer, double[] z)
    {
        var y = new double[z.Length];
        if (layer.Activation == Activation.Softmax)
        {
            double max = double.NegativeInfinity, sum = 0;
            foreach (double v in z)
            {
                max = Math.Max(max, v);
            }
            for (int i = 0; i < z.Length; i++)
            {
                y[i] = Math.Exp(z[i] - max);
                sum += y[i];
            }
            for (int i = 0; i < z.Length; i++)
            {
                y[i] /= sum;
            }
            return y;
        }
        for (int i = 0; i < z.Length; i++)
        {
            double x = z[i];
            y[i] = layer.Activation switch
            {
                Activation.Identity => x,
                Activation.Sigmoid => Sigmoid(x),
                Activation.Tanh => Math.Tanh(x),
                Activation.Relu => Math.Max(x, 0),
                Activation.LeakyRelu => x > 0 ? x : layer.Alpha * x,
                Activation.Elu => x > 0 ? x : layer.Alpha * (Math.Exp(x) - 1),
                Activation.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
                Activation.Silu => x * Sigmoid(x),
                Activation.Softplus => x > 20 ? x : Math.Log(1 + Math.Exp(x)), // torch's threshold 20
                Activation.Step => x > 0 ? 1 : 0,
                _ => throw new NotSupportedException(layer.Activation.ToString()),
            };
        }
        return y;
    }

    /// <summary>dL/dz from dL/dy for the layer's activation.</summary>
    private static double[] BackThroughActivation(LayerDescription layer, double[] z, double[] y, double[] dy)
    {
        var dz = new double[z.Length];
        if (layer.Activation == Activation.Softmax)
        {
            double dot = 0;
            for (int i = 0; i < z.Length; i++)
            {
                dot += y[i] * dy[i];
            }
            for (int i = 0; i < z.Length; i++)
            {
                dz[i] = y[i] * (dy[i] - dot);
            }
            return dz;
        }
        for (int i = 0; i < z.Length; i++)
        {
            double x = z[i];
            double derivative = layer.Activation switch
            {
                Activation.Identity => 1,
                Activation.Sigmoid => y[i] * (1 - y[i]),
                Activation.Tanh => 1 - y[i] * y[i],
                Activation.Relu => x > 0 ? 1 : 0,
                Activation.LeakyRelu => x > 0 ? 1 : layer.Alpha,
                Activation.Elu => x > 0 ? 1 : layer.Alpha * Math.Exp(x),
                Activation.Gelu => 0.5 * (1 + Erf(x / Math.Sqrt(2))) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI),
                Activation.Silu => Sigmoid(x) * (1 + x * (1 - Sigmoid(x))),
                Activation.Softplus => x > 20 ? 1 : Sigmoid(x),
                _ => throw new NotSupportedException(layer.Activation.ToString()),
            };
            dz[i] = dy[i] * derivative;
        }
        return dz;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// erf to about 1e-16: erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)), a series of
    /// positive terms (no cancellation); |erf| is 1 in double precision beyond 6.
    /// </summary>
    internal static double Erf(double x)
    {
        double a = Math.Abs(x);
        if (a > 6)
        {
            return Math.Sign(x);
        }
        double term = a, sum = a, square = a * a;
        for (int n = 1; n < 500 && term > sum * 1e-18; n++)
        {
            term *= 2 * square / (2 * n + 1);
            sum += term;
        }
        double result = 2 / Math.Sqrt(Math.PI) * Math.Exp(-square) * sum;
        return x < 0 ? -result : result;
    }
}
