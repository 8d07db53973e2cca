using System;
using System.Numerics;

namespace StaticNet;

/// <summary>Gradient clipping, as <c>torch.nn.utils</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradient"/> so its Euclidean norm is at most <paramref name="maxNorm"/>, as
    /// <c>torch.nn.utils.clip_grad_norm_</c>: with <c>norm = ||gradient||₂</c>, multiplies by
    /// <c>maxNorm / (norm + 1e-6)</c> when that is below 1. The norm is accumulated in double precision.
    /// </summary>
    /// <returns>The norm before clipping. If it is NaN or infinite, <paramref name="gradient"/> is left unchanged.</returns>
    public static double ClipByGlobalNorm<T>(Span<T> gradient, double maxNorm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxNorm > 0) || double.IsInfinity(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "Must be finite and positive.");
        }

        return Clip(gradient, maxNorm, SpanMath.SumOfSquares<T>(gradient));
    }

    /// <summary>
    /// <see cref="ClipByGlobalNorm{T}"/> once the sum of squares of <paramref name="gradient"/> is known (the trainer
    /// computes it in the pass that divides the gradient by the batch size); <paramref name="maxNorm"/> is valid.
    /// </summary>
    internal static double Clip<T>(Span<T> gradient, double maxNorm, double sumOfSquares)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double norm = Math.Sqrt(sumOfSquares);
        if (double.IsFinite(norm))
        {
            double coefficient = maxNorm / (norm + 1e-6);
            if (coefficient < 1)
            {
                SpanMath.Multiply(gradient, T.CreateTruncating(coefficient));
            }
        }
        return norm;
    }
}
