using System;
using System.Globalization;

namespace StaticNet;

/// <summary>
/// Sets the optimizer's learning rate at the start of each epoch from the base rate (the optimizer's
/// learning rate when <see cref="Trainer{T}.Fit"/> starts), like a <c>torch.optim.lr_scheduler</c>
/// stepped once per epoch. Derive from it for other schedules.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>For derived schedules.</summary>
    protected LearningRateSchedule()
    {
    }

    /// <summary>The learning rate of the epoch that follows <paramref name="completedEpochs"/> completed epochs.</summary>
    /// <param name="baseRate">The optimizer's learning rate when training started.</param>
    /// <param name="completedEpochs">0 for the first epoch, 1 for the second, ... (PyTorch's <c>last_epoch</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// (The built-in schedules) <paramref name="baseRate"/> is negative, infinite or NaN, or <paramref name="completedEpochs"/> is negative.
    /// </exception>
    public abstract double GetLearningRate(double baseRate, int completedEpochs);

    /// <summary>Checks the arguments of <see cref="GetLearningRate"/> as the built-in schedules do.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="baseRate"/> is negative, infinite or NaN, or <paramref name="completedEpochs"/> is negative.
    /// </exception>
    protected static void CheckArguments(double baseRate, int completedEpochs)
    {
        if (!(baseRate >= 0) || double.IsPositiveInfinity(baseRate))
        {
            throw new ArgumentOutOfRangeException(nameof(baseRate), baseRate, "The base learning rate must be finite and non-negative.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(completedEpochs);
    }

    /// <summary>
    /// <c>baseRate * gamma^floor(completedEpochs / stepSize)</c>: multiplies the rate by <paramref name="gamma"/>
    /// every <paramref name="stepSize"/> epochs, as <c>torch.optim.lr_scheduler.StepLR</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is below 1, or <paramref name="gamma"/> is not finite and positive.</exception>
    public static LearningRateSchedule Step(int stepSize, double gamma = 0.1)
    {
        if (stepSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "Must be at least 1.");
        }
        CheckFactor(gamma, nameof(gamma));
        return new StepSchedule(stepSize, gamma);
    }

    /// <summary>
    /// <c>baseRate * gamma^completedEpochs</c>, as <c>torch.optim.lr_scheduler.ExponentialLR</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is not finite and positive.</exception>
    public static LearningRateSchedule Exponential(double gamma)
    {
        CheckFactor(gamma, nameof(gamma));
        return new ExponentialSchedule(gamma);
    }

    /// <summary>
    /// <c>minimumRate + (baseRate - minimumRate) * (1 + cos(pi * completedEpochs / period)) / 2</c>: half a
    /// cosine from the base rate down to <paramref name="minimumRate"/> over <paramref name="period"/> epochs,
    /// as <c>torch.optim.lr_scheduler.CosineAnnealingLR(T_max=period, eta_min=minimumRate)</c> (its closed form).
    /// Pass the number of epochs as <paramref name="period"/> to anneal over the whole training.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is below 1, or <paramref name="minimumRate"/> is not finite and non-negative.</exception>
    public static LearningRateSchedule Cosine(int period, double minimumRate = 0)
    {
        if (period < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "Must be at least 1.");
        }
        if (!(minimumRate >= 0) || double.IsInfinity(minimumRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRate), minimumRate, "Must be finite and non-negative.");
        }
        return new CosineSchedule(period, minimumRate);
    }

    private static void CheckFactor(double gamma, string name)
    {
        if (!(gamma > 0) || double.IsInfinity(gamma))
        {
            throw new ArgumentOutOfRangeException(name, gamma, "Must be finite and positive.");
        }
    }

    private sealed class StepSchedule(int stepSize, double gamma) : LearningRateSchedule
    {
        public override double GetLearningRate(double baseRate, int completedEpochs)
        {
            CheckArguments(baseRate, completedEpochs);
            return baseRate * Math.Pow(gamma, completedEpochs / stepSize);
        }

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"Step(stepSize: {stepSize}, gamma: {gamma})");
    }

    private sealed class ExponentialSchedule(double gamma) : LearningRateSchedule
    {
        public override double GetLearningRate(double baseRate, int completedEpochs)
        {
            CheckArguments(baseRate, completedEpochs);
            return baseRate * Math.Pow(gamma, completedEpochs);
        }

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"Exponential(gamma: {gamma})");
    }

    private sealed class CosineSchedule(int period, double minimumRate) : LearningRateSchedule
    {
        public override double GetLearningRate(double baseRate, int completedEpochs)
        {
            CheckArguments(baseRate, completedEpochs);
            return minimumRate + (baseRate - minimumRate) * (1 + Math.Cos(Math.PI * completedEpochs / period)) / 2;
        }

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"Cosine(period: {period}, minimumRate: {minimumRate})");
    }
}
