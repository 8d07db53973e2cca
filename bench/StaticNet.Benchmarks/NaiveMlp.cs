using System;

namespace StaticNet.Benchmarks;

/// <summary>
/// A multilayer perceptron as a typical C# user writes it: jagged <c>float[][]</c> weights, nested loops,
/// a new array per layer per call, <see cref="Math.Exp(double)"/> for the softmax. Supports the activations
/// of the benchmark networks (relu, tanh, identity, softmax last) and the losses cross-entropy / mse.
/// </summary>
public sealed class NaiveMlp
{
    private readonly float[][][] _weights;   // [layer][unit][input]
    private readonly float[][] _biases;      // [layer][unit]
    private readonly Activation[] _activations;
    private readonly float[][][] _weightGradients;
    private readonly float[][] _biasGradients;
    private readonly bool _crossEntropy;

    public NaiveMlp(NetworkDescription description, ReadOnlySpan<float> parameters)
    {
        int layers = description.Layers.Count;
        _weights = new float[layers][][];
        _biases = new float[layers][];
        _activations = new Activation[layers];
        _weightGradients = new float[layers][][];
        _biasGradients = new float[layers][];
        _crossEntropy = description.Loss == Loss.CrossEntropy;
        for (int l = 0; l < layers; l++)
        {
            LayerDescription layer = description.Layers[l];
            _activations[l] = layer.Activation;
            _weights[l] = new float[layer.Units][];
            _weightGradients[l] = new float[layer.Units][];
            _biases[l] = new float[layer.Units];
            _biasGradients[l] = new float[layer.Units];
            for (int u = 0; u < layer.Units; u++)
            {
                _weights[l][u] = parameters.Slice(layer.WeightOffset + u * layer.FanIn, layer.FanIn).ToArray();
                _weightGradients[l][u] = new float[layer.FanIn];
                if (layer.HasBias)
                {
                    _biases[l][u] = parameters[layer.BiasOffset + u];
                }
            }
        }
    }

    /// <summary>The parameters in canonical layout (for checks).</summary>
    public float[] GetParameters()
    {
        var list = new System.Collections.Generic.List<float>();
        for (int l = 0; l < _weights.Length; l++)
        {
            foreach (float[] row in _weights[l])
            {
                list.AddRange(row);
            }
            list.AddRange(_biases[l]);
        }
        return list.ToArray();
    }

    public float[] Predict(float[] input)
    {
        float[] x = input;
        for (int l = 0; l < _weights.Length; l++)
        {
            x = Layer(l, x, out _);
        }
        return x;
    }

    public float[][] PredictBatch(float[][] inputs)
    {
        var outputs = new float[inputs.Length][];
        for (int s = 0; s < inputs.Length; s++)
        {
            outputs[s] = Predict(inputs[s]);
        }
        return outputs;
    }

    private float[] Layer(int l, float[] x, out float[] z)
    {
        float[][] w = _weights[l];
        z = new float[w.Length];
        var y = new float[w.Length];
        for (int u = 0; u < w.Length; u++)
        {
            float sum = _biases[l][u];
            for (int i = 0; i < x.Length; i++)
            {
                sum += w[u][i] * x[i];
            }
            z[u] = sum;
        }
        switch (_activations[l])
        {
            case Activation.Relu:
                for (int u = 0; u < y.Length; u++) y[u] = Math.Max(0f, z[u]);
                break;
            case Activation.Tanh:
                for (int u = 0; u < y.Length; u++) y[u] = (float)Math.Tanh(z[u]);
                break;
            case Activation.Softmax:
                double max = double.NegativeInfinity;
                for (int u = 0; u < y.Length; u++) max = Math.Max(max, z[u]);
                double total = 0;
                for (int u = 0; u < y.Length; u++) total += Math.Exp(z[u] - max);
                for (int u = 0; u < y.Length; u++) y[u] = (float)(Math.Exp(z[u] - max) / total);
                break;
            case Activation.Identity:
                Array.Copy(z, y, y.Length);
                break;
            default:
                throw new NotSupportedException(_activations[l].ToString());
        }
        return y;
    }

    /// <summary>One SGD step over a mini-batch: backprop per sample into the gradients, average, update.</summary>
    public float TrainStep(float[][] inputs, int[]? labels, float[][]? targets, float learningRate)
    {
        int layers = _weights.Length;
        for (int l = 0; l < layers; l++)
        {
            foreach (float[] row in _weightGradients[l]) Array.Clear(row);
            Array.Clear(_biasGradients[l]);
        }

        float totalLoss = 0;
        for (int s = 0; s < inputs.Length; s++)
        {
            // Forward, keeping every layer's input and pre-activation.
            var ins = new float[layers][];
            var zs = new float[layers][];
            float[] x = inputs[s];
            for (int l = 0; l < layers; l++)
            {
                ins[l] = x;
                x = Layer(l, x, out zs[l]);
            }

            // dLoss/dz of the last layer.
            var delta = new float[x.Length];
            if (_crossEntropy)
            {
                int label = labels![s];
                totalLoss += -(float)Math.Log(Math.Max(x[label], 1e-30f));
                for (int u = 0; u < x.Length; u++) delta[u] = x[u] - (u == label ? 1f : 0f);
            }
            else
            {
                float[] t = targets![s];
                for (int u = 0; u < x.Length; u++)
                {
                    float d = x[u] - t[u];
                    totalLoss += d * d / x.Length;
                    delta[u] = 2f * d / x.Length * Derivative(_activations[layers - 1], zs[layers - 1][u], x[u]);
                }
            }

            // Backward.
            for (int l = layers - 1; l >= 0; l--)
            {
                float[] input = ins[l];
                float[][] w = _weights[l];
                for (int u = 0; u < w.Length; u++)
                {
                    _biasGradients[l][u] += delta[u];
                    for (int i = 0; i < input.Length; i++)
                    {
                        _weightGradients[l][u][i] += delta[u] * input[i];
                    }
                }
                if (l > 0)
                {
                    var below = new float[input.Length];
                    for (int i = 0; i < input.Length; i++)
                    {
                        float sum = 0;
                        for (int u = 0; u < w.Length; u++)
                        {
                            sum += w[u][i] * delta[u];
                        }
                        below[i] = sum * Derivative(_activations[l - 1], zs[l - 1][i], input[i]);
                    }
                    delta = below;
                }
            }
        }

        // Average and update.
        float scale = learningRate / inputs.Length;
        for (int l = 0; l < layers; l++)
        {
            for (int u = 0; u < _weights[l].Length; u++)
            {
                for (int i = 0; i < _weights[l][u].Length; i++)
                {
                    _weights[l][u][i] -= scale * _weightGradients[l][u][i];
                }
                _biases[l][u] -= scale * _biasGradients[l][u];
            }
        }
        return totalLoss / inputs.Length;
    }

    private static float Derivative(Activation activation, float z, float a) => activation switch
    {
        Activation.Relu => z > 0 ? 1f : 0f,
        Activation.Tanh => 1f - a * a,
        Activation.Identity => 1f,
        _ => throw new NotSupportedException(activation.ToString()),
    };
}
