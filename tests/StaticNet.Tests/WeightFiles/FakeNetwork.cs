using System;
using System.IO;
using System.Numerics;
using StaticNet;

namespace StaticNet.Tests.WeightFiles;

/// <summary>
/// A hand-written two-layer network (relu hidden layer, identity output) so the weight-file tests do not
/// depend on the source generator. Its description mirrors what the generator produces: canonical layout,
/// nn.Sequential keys (<c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, <c>2.bias</c>) unless layers are named.
/// </summary>
internal sealed class FakeNetwork<T> : INetwork<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _parameters;

    public FakeNetwork(int inputs, int hidden, int outputs, bool hiddenBias = true, bool outputBias = true,
        string? hiddenName = null, string? outputName = null, string name = "Fake", string? topologyHash = null)
    {
        Precision precision = typeof(T) == typeof(double) ? Precision.Double : Precision.Float;
        string hiddenKey = hiddenName ?? "0";
        string outputKey = outputName ?? "2";
        var hiddenLayer = new LayerDescription(0, inputs, hidden, Activation.Relu, 0, hiddenBias,
            WeightOffset: 0, BiasOffset: hiddenBias ? inputs * hidden : -1,
            $"{hiddenKey}.weight", hiddenBias ? $"{hiddenKey}.bias" : null);
        int offset = hiddenLayer.ParameterCount;
        var outputLayer = new LayerDescription(1, hidden, outputs, Activation.Identity, 0, outputBias,
            WeightOffset: offset, BiasOffset: outputBias ? offset + hidden * outputs : -1,
            $"{outputKey}.weight", outputBias ? $"{outputKey}.bias" : null);
        Description = new NetworkDescription(name, precision, inputs, [hiddenLayer, outputLayer],
            Loss.MeanSquaredError, [], [], topologyHash ?? $"fake-{inputs}-{hidden}-{outputs}-{hiddenBias}-{outputBias}");
        _parameters = new T[Description.ParameterCount];
    }

    /// <summary>The 4-8-3 relu network of make_safetensors.py.</summary>
    public static FakeNetwork<T> TorchMlp() => new(4, 8, 3, name: "TorchMlp");

    /// <summary>The small 2-3-2 network most validation tests use (17 parameters).</summary>
    public static FakeNetwork<T> Small(int seed = 1)
    {
        var network = new FakeNetwork<T>(2, 3, 2);
        network.Fill(seed);
        return network;
    }

    public NetworkDescription Description { get; }
    public int InputSize => Description.InputSize;
    public int OutputSize => Description.OutputSize;
    public int ParameterCount => Description.ParameterCount;
    public Span<T> Parameters => _parameters;
    public bool IsTrainable => false;

    public void Fill(int seed) => Initializers.PyTorchDefault<T>(_parameters, Description, seed);

    public T[] Snapshot() => (T[])_parameters.Clone();

    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        if (input.Length != InputSize || output.Length != OutputSize)
        {
            throw new ArgumentException("Wrong span length.");
        }
        ReadOnlySpan<T> activations = input;
        foreach (LayerDescription layer in Description.Layers)
        {
            var next = new T[layer.Units];
            for (int unit = 0; unit < layer.Units; unit++)
            {
                T sum = layer.HasBias ? _parameters[layer.BiasOffset + unit] : T.Zero;
                for (int i = 0; i < layer.FanIn; i++)
                {
                    sum += _parameters[layer.WeightOffset + unit * layer.FanIn + i] * activations[i];
                }
                next[unit] = layer.Activation == Activation.Relu ? T.Max(sum, T.Zero) : sum;
            }
            activations = next;
        }
        activations.CopyTo(output);
    }

    public void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs)
    {
        for (int row = 0; row < inputs.Length / InputSize; row++)
        {
            Predict(inputs.Slice(row * InputSize, InputSize), outputs.Slice(row * OutputSize, OutputSize));
        }
    }

    public int Classify(ReadOnlySpan<T> input)
    {
        Span<T> output = new T[OutputSize];
        Predict(input, output);
        int best = 0;
        for (int i = 1; i < output.Length; i++)
        {
            if (output[i] > output[best])
            {
                best = i;
            }
        }
        return best;
    }

    public T AccumulateGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient) =>
        throw new NotSupportedException();

    public T AccumulateGradient(ReadOnlySpan<T> input, int label, Span<T> gradient) =>
        throw new NotSupportedException();
}

/// <summary>A read-only stream that cannot seek and does not know its length, like a network stream.</summary>
internal sealed class NonSeekableStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes, writable: false);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
    public override int Read(Span<byte> buffer) => _inner.Read(buffer.Slice(0, Math.Min(buffer.Length, 7)));
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Passes writes through until <c>limit</c> bytes, then throws (a full disk, a yanked drive).</summary>
internal sealed class FailingStream(Stream inner, long limit) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush()
    {
        if (_written >= limit)
        {
            throw new IOException("Injected failure at flush.");
        }
        inner.Flush();
    }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = limit - _written;
        if (buffer.Length > room)
        {
            inner.Write(buffer.Slice(0, (int)Math.Max(0, room)));
            _written = limit;
            throw new IOException($"Injected failure after {limit} bytes.");
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }
}
