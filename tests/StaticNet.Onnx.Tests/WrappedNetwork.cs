using System;
using System.Numerics;

namespace StaticNet.Onnx.Tests;

/// <summary>A generated network seen through a different description or parameter array, to provoke export errors.</summary>
internal sealed class WrappedNetwork<T>(INetwork<T> inner, NetworkDescription? description = null, T[]? parameters = null) : INetwork<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public NetworkDescription Description { get; } = description ?? inner.Description;
    public int InputSize => inner.InputSize;
    public int OutputSize => inner.OutputSize;
    public int ParameterCount => Parameters.Length;
    public Span<T> Parameters => parameters is null ? inner.Parameters : parameters;
    public bool IsTrainable => inner.IsTrainable;
    public void Predict(ReadOnlySpan<T> input, Span<T> output) => inner.Predict(input, output);
    public void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs) => inner.PredictBatch(inputs, outputs);
    public int Classify(ReadOnlySpan<T> input) => inner.Classify(input);
    public T AccumulateGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient) => inner.AccumulateGradient(input, target, gradient);
    public T AccumulateGradient(ReadOnlySpan<T> input, int label, Span<T> gradient) => inner.AccumulateGradient(input, label, gradient);
}

/// <summary>Passes writes through until <paramref name="limit"/> bytes have gone by, then throws.</summary>
internal sealed class FailingStream(System.IO.Stream inner, long limit) : System.IO.Stream
{
    private long written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => written; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, System.IO.SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (written + buffer.Length > limit)
        {
            int allowed = (int)(limit - written);
            inner.Write(buffer[..allowed]);
            written = limit;
            throw new System.IO.IOException("Injected failure: disk full.");
        }
        inner.Write(buffer);
        written += buffer.Length;
    }
}
