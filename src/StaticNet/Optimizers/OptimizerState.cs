using System;
using System.Collections.Generic;

namespace StaticNet.Optimizers;

/// <summary>One named per-parameter buffer of an optimizer, such as Adam's <c>exp_avg</c>.</summary>
/// <param name="Name">Buffer name, as in <c>torch.optim</c>'s per-parameter state (<c>momentum_buffer</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>).</param>
/// <param name="Values">The values, a <see cref="T:float[]"/> or <see cref="T:double[]"/> as long as the parameter array.</param>
public readonly record struct OptimizerBuffer(string Name, Array Values);

/// <summary>
/// A snapshot of an optimizer's state for checkpoints: what <see cref="IOptimizer.ExportState"/> returns and
/// <see cref="IOptimizer.ImportState"/> accepts. All buffers have the same element type (<see cref="float"/> or
/// <see cref="double"/>, the precision the optimizer stepped in) and the same length (the parameter count).
/// A state with <see cref="StepCount"/> 0 has no buffers; so has plain SGD (without momentum) at any step.
/// </summary>
public sealed class OptimizerState
{
    private readonly OptimizerBuffer[] _buffers;

    /// <summary>Creates a state. The buffer arrays are kept, not copied.</summary>
    /// <param name="optimizer">Kind of optimizer, as <c>torch.optim</c> names the class: <c>SGD</c>, <c>Adam</c> or <c>AdamW</c>.</param>
    /// <param name="stepCount">Steps taken so far (torch's <c>step</c>), at least 0.</param>
    /// <param name="learningRate">Learning rate at the time of the snapshot.</param>
    /// <param name="buffers">The named buffers; names unique, arrays all <see cref="T:float[]"/> or all <see cref="T:double[]"/> of one length.</param>
    /// <exception cref="ArgumentException">The buffers are inconsistent, or present although <paramref name="stepCount"/> is 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/> is negative or <paramref name="learningRate"/> is negative, infinite or NaN.</exception>
    public OptimizerState(string optimizer, long stepCount, double learningRate, IEnumerable<OptimizerBuffer> buffers)
    {
        ArgumentException.ThrowIfNullOrEmpty(optimizer);
        ArgumentNullException.ThrowIfNull(buffers);
        if (stepCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, "The step count cannot be negative.");
        }
        if (!(learningRate >= 0) || double.IsPositiveInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite, non-negative number.");
        }

        var list = new List<OptimizerBuffer>(buffers);
        Type? elementType = null;
        int length = -1;
        for (int i = 0; i < list.Count; i++)
        {
            OptimizerBuffer buffer = list[i];
            if (string.IsNullOrEmpty(buffer.Name) || buffer.Values is null)
            {
                throw new ArgumentException("Every buffer needs a name and values.", nameof(buffers));
            }
            if (buffer.Values is not float[] && buffer.Values is not double[])
            {
                throw new ArgumentException(
                    $"Buffer '{buffer.Name}' is a {buffer.Values.GetType().Name}; optimizer buffers are float[] or double[].", nameof(buffers));
            }
            for (int j = 0; j < i; j++)
            {
                if (list[j].Name == buffer.Name)
                {
                    throw new ArgumentException($"Buffer '{buffer.Name}' appears twice.", nameof(buffers));
                }
            }
            if (elementType is null)
            {
                elementType = buffer.Values.GetType().GetElementType();
                length = buffer.Values.Length;
            }
            else if (buffer.Values.GetType().GetElementType() != elementType || buffer.Values.Length != length)
            {
                throw new ArgumentException(
                    $"Buffer '{buffer.Name}' is a {buffer.Values.GetType().Name} of length {buffer.Values.Length}, but '{list[0].Name}' is a {elementType.Name}[] of length {length}.",
                    nameof(buffers));
            }
        }
        if (stepCount == 0 && list.Count != 0)
        {
            throw new ArgumentException("A state before the first step has no buffers.", nameof(buffers));
        }

        Optimizer = optimizer;
        StepCount = stepCount;
        LearningRate = learningRate;
        ElementType = elementType;
        Length = length;
        _buffers = list.ToArray();
    }

    /// <summary>Kind of optimizer: <c>SGD</c>, <c>Adam</c> or <c>AdamW</c> (the <c>torch.optim</c> class name).</summary>
    public string Optimizer { get; }

    /// <summary>Steps taken when the snapshot was made.</summary>
    public long StepCount { get; }

    /// <summary>Learning rate when the snapshot was made.</summary>
    public double LearningRate { get; }

    /// <summary><see cref="float"/> or <see cref="double"/>, or null when there are no buffers.</summary>
    public Type? ElementType { get; }

    /// <summary>Length of every buffer (the parameter count), or -1 when there are no buffers.</summary>
    public int Length { get; }

    /// <summary>The named buffers, in the optimizer's order.</summary>
    public IReadOnlyList<OptimizerBuffer> Buffers => _buffers;

    /// <summary>The buffer called <paramref name="name"/>, or null.</summary>
    public Array? GetBuffer(string name)
    {
        foreach (OptimizerBuffer buffer in _buffers)
        {
            if (buffer.Name == name)
            {
                return buffer.Values;
            }
        }
        return null;
    }
}
