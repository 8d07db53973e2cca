using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace StaticNet.Optimizers;

/// <summary>
/// The element type and length an optimizer's state was sized for. The first step fixes them; later
/// steps must agree until <c>Reset</c>.
/// </summary>
internal struct StateShape
{
    private Type? _elementType;
    private int _length;

    public readonly Type? ElementType => _elementType;

    public readonly int Length => _elementType is null ? -1 : _length;

    /// <summary>Checks the spans of a step; returns true when this step fixes the shape (the first one).</summary>
    public bool Check<T>(int parametersLength, int gradientLength)
    {
        GradientReaders.CheckLengths(parametersLength, gradientLength);
        if (_elementType is null)
        {
            _elementType = typeof(T);
            _length = parametersLength;
            return true;
        }
        if (_elementType != typeof(T))
        {
            throw new ArgumentException(
                $"The optimizer's state holds {_elementType.Name} values, but this step has {typeof(T).Name} parameters. Call Reset() to use it for another network.",
                "parameters");
        }
        if (_length != parametersLength)
        {
            throw new ArgumentException(
                $"The optimizer's state was sized for {_length} parameters, but parameters has length {parametersLength}. Call Reset() to use it for another network.",
                "parameters");
        }
        return false;
    }

    public void Set(Type? elementType, int length)
    {
        _elementType = elementType;
        _length = elementType is null ? 0 : length;
    }

    public void Clear() => this = default;
}

/// <summary>Export/import plumbing shared by the optimizers.</summary>
internal static class OptimizerStorage
{
    public static OptimizerState Export(string optimizer, long stepCount, double learningRate, ReadOnlySpan<string> names, ReadOnlySpan<Array?> buffers)
    {
        var list = new List<OptimizerBuffer>(names.Length);
        for (int i = 0; i < names.Length; i++)
        {
            if (buffers[i] is Array values)
            {
                list.Add(new OptimizerBuffer(names[i], (Array)values.Clone()));
            }
        }
        return new OptimizerState(optimizer, stepCount, learningRate, list);
    }

    /// <summary>
    /// Validates <paramref name="state"/> for an optimizer of kind <paramref name="optimizer"/> whose state after
    /// the first step has the buffers <paramref name="names"/>; returns copies of them in that order (empty
    /// before the first step).
    /// </summary>
    public static Array[] Import(OptimizerState state, string optimizer, ReadOnlySpan<string> names)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Optimizer != optimizer)
        {
            throw new ArgumentException(
                $"The state was exported by a {state.Optimizer} optimizer and cannot be imported into {optimizer}.", nameof(state));
        }
        if (state.StepCount == 0)
        {
            return [];
        }
        if (state.Buffers.Count != names.Length)
        {
            throw new ArgumentException(
                $"The state has {state.Buffers.Count} buffers ({Describe(state)}), but this {optimizer} configuration keeps {names.Length} ({string.Join(", ", names.ToArray())}); was it exported with other momentum/amsgrad settings?",
                nameof(state));
        }
        var copies = new Array[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            Array? values = state.GetBuffer(names[i]);
            if (values is null)
            {
                throw new ArgumentException(
                    $"The state has no buffer '{names[i]}' (it has {Describe(state)}).", nameof(state));
            }
            copies[i] = (Array)values.Clone();
        }
        return copies;
    }

    private static string Describe(OptimizerState state)
    {
        if (state.Buffers.Count == 0)
        {
            return "none";
        }
        var names = new string[state.Buffers.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = state.Buffers[i].Name;
        }
        return string.Join(", ", names);
    }

    public static void CheckLearningRate(double learningRate, string parameterName)
    {
        if (!(learningRate >= 0) || double.IsPositiveInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(parameterName, learningRate, "Invalid learning rate: must be a finite, non-negative number.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and at least 0 (<paramref name="torchName"/> names it in the message, as PyTorch does).</summary>
    public static void CheckNonNegative(double value, string parameterName, string torchName)
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Invalid {torchName} value: must be a finite, non-negative number.");
        }
    }

    /// <summary>
    /// Throws unless a step's gradient divisor is finite and positive. Checked before anything changes (the state's
    /// shape included), so a refused step leaves the optimizer, the parameters and the gradient as they were.
    /// </summary>
    public static void CheckGradientDivisor<T>(T gradientDivisor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(gradientDivisor > T.Zero) || T.IsPositiveInfinity(gradientDivisor))
        {
            ThrowGradientDivisor(double.CreateTruncating(gradientDivisor));
        }
    }

    [DoesNotReturn]
    private static void ThrowGradientDivisor(double gradientDivisor) =>
        throw new ArgumentOutOfRangeException(nameof(gradientDivisor), gradientDivisor, "The gradient divisor must be finite and positive (the mini-batch size, or 1).");
}
