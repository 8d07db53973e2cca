using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet;

/// <summary>Exceptions thrown by generated code, kept out of line so the hot paths stay small.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ThrowHelper
{
    /// <summary>Throws because a span does not have the length the network needs.</summary>
    [DoesNotReturn]
    public static void WrongLength(string parameterName, int actual, int expected) =>
        throw new ArgumentException(
            $"Expected a span of length {expected}, but {parameterName} has length {actual}.", parameterName);

    /// <summary>Throws because a batch span is not a whole number of rows, or the two spans disagree on the row count.</summary>
    [DoesNotReturn]
    public static void WrongBatchLength(string parameterName, int actual, int expected) =>
        throw new ArgumentException(
            $"Expected a span of length {expected} to match the batch, but {parameterName} has length {actual}.", parameterName);

    /// <summary>Throws because a batch span is not a multiple of the row width.</summary>
    [DoesNotReturn]
    public static void NotMultipleOfRow(string parameterName, int actual, int rowWidth) =>
        throw new ArgumentException(
            $"Expected a span whose length is a multiple of {rowWidth}, but {parameterName} has length {actual}.", parameterName);

    /// <summary>
    /// Throws unless <paramref name="learningRate"/> is finite and non-negative, as the optimizers require of theirs:
    /// generated <c>TrySgdStep</c> methods call it before anything changes, so a refused step changes nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative, infinite or NaN.</exception>
    public static void CheckLearningRate<T>(T learningRate, string parameterName) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(learningRate >= T.Zero) || T.IsPositiveInfinity(learningRate))
        {
            InvalidLearningRate(parameterName, double.CreateTruncating(learningRate));
        }
    }

    [DoesNotReturn]
    private static void InvalidLearningRate(string parameterName, double learningRate) =>
        throw new ArgumentOutOfRangeException(parameterName, learningRate, "Invalid learning rate: must be a finite, non-negative number.");

    /// <summary>Throws because a class label is outside <c>[0, outputs)</c>.</summary>
    [DoesNotReturn]
    public static void LabelOutOfRange(string parameterName, int label, int classes) =>
        throw new ArgumentOutOfRangeException(
            parameterName, label, $"The label must be in [0, {classes}).");

    /// <summary>Throws <see cref="WrongLength"/> unless <paramref name="actual"/> is <paramref name="expected"/>: one line of generated code per check.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckLength(int actual, int expected, string parameterName)
    {
        if (actual != expected)
        {
            WrongLength(parameterName, actual, expected);
        }
    }

    /// <summary>
    /// The number of rows of a batch, <c>inputsLength / inputSize</c>, checked to be whole rows of the span named
    /// "inputs", and <paramref name="otherLength"/> checked to be that many rows of <paramref name="otherWidth"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CheckBatch(int inputsLength, int inputSize, int otherLength, int otherWidth, string otherName)
    {
        int count = inputsLength / inputSize;
        if (count * inputSize != inputsLength)
        {
            NotMultipleOfRow("inputs", inputsLength, inputSize);
        }
        // In long: count * otherWidth may exceed int, and a wrapped product must never match a span's length.
        long expected = (long)count * otherWidth;
        if (otherLength != expected)
        {
            WrongBatchLength(otherName, otherLength, (int)Math.Min(int.MaxValue, expected));
        }
        return count;
    }
}
