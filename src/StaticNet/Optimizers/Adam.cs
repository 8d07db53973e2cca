using System;
using System.Numerics;

namespace StaticNet.Optimizers;

/// <summary>
/// Adam with optional L2 weight decay and the AMSGrad variant: exactly <c>torch.optim.Adam</c> (PyTorch 1.13,
/// single-tensor path). Per element, with <c>g</c> the gradient and <c>t</c> the step number from 1:
/// <code>
/// g = g + weightDecay * p                                  (if weightDecay != 0: L2 penalty in the gradient)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g * g
/// vmax = max(vmax, v); use vmax for v below                (amsgrad)
/// p = p - (learningRate / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
/// </code>
/// Note that epsilon is added after dividing by the bias correction, as PyTorch does. See <see cref="AdamW"/>
/// for decoupled weight decay.
/// The arithmetic is done in the parameters' type <c>T</c>, with the hyperparameters and bias-corrected step
/// sizes computed in double and rounded to <c>T</c>, as PyTorch does for <c>float32</c> tensors.
/// </summary>
public sealed class Adam : AdaptiveMomentOptimizer
{
    /// <summary>Creates the optimizer; the arguments mean what they mean for <c>torch.optim.Adam</c> (<c>betas = (beta1, beta2)</c>, <c>eps</c>).</summary>
    /// <param name="learningRate">Step size, finite and at least 0.</param>
    /// <param name="beta1">Decay rate of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay rate of the second moment, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for stability, finite and at least 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient as <c>weightDecay * p</c>, finite and at least 0.</param>
    /// <param name="amsgrad">Whether to use the maximum of all second moments so far (AMSGrad).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range, infinite or NaN (the exception names it).</exception>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : base(new AdamCore("Adam", decoupled: false, learningRate, beta1, beta2, epsilon, weightDecay, amsgrad))
    {
    }
}
