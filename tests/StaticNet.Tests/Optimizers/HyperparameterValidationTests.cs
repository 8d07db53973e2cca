using System;
using System.Linq;
using StaticNet.Optimizers;
using StaticNet.Tests.Training;
using Xunit;

namespace StaticNet.Tests.Optimizers;

/// <summary>
/// Every hyperparameter of the optimizers, schedules, early stopping, clipping and checkpoints is refused when it is
/// not finite or out of range, with an <see cref="ArgumentOutOfRangeException"/> naming it; a refused step changes nothing.
/// </summary>
public class HyperparameterValidationTests
{
    public static TheoryData<double> NotFinite => new() { double.NaN, double.PositiveInfinity, double.NegativeInfinity };

    public static TheoryData<double> NegativeOrNotFinite => new() { -1e-3, double.NaN, double.PositiveInfinity, double.NegativeInfinity };

    private static void AssertRefused(string parameterName, Action action) =>
        Assert.Equal(parameterName, Assert.Throws<ArgumentOutOfRangeException>(action).ParamName);

    [Theory]
    [MemberData(nameof(NegativeOrNotFinite))]
    public void Sgd_RefusesEveryBadHyperparameter(double bad)
    {
        AssertRefused("learningRate", () => new Sgd(bad));
        AssertRefused("momentum", () => new Sgd(0.1, momentum: bad));
        AssertRefused("weightDecay", () => new Sgd(0.1, weightDecay: bad));
        if (!double.IsFinite(bad))
        {
            AssertRefused("dampening", () => new Sgd(0.1, momentum: 0.9, dampening: bad));
        }

        var sgd = new Sgd(0.1);
        AssertRefused("value", () => sgd.LearningRate = bad);
        Assert.Equal(0.1, sgd.LearningRate);
    }

    [Theory]
    [MemberData(nameof(NegativeOrNotFinite))]
    public void AdamAndAdamW_RefuseEveryBadHyperparameter(double bad)
    {
        foreach (Func<double, double, double, double, double, AdaptiveMomentOptimizer> create in new Func<double, double, double, double, double, AdaptiveMomentOptimizer>[]
                 {
                     (lr, b1, b2, eps, wd) => new Adam(lr, b1, b2, eps, wd),
                     (lr, b1, b2, eps, wd) => new AdamW(lr, b1, b2, eps, wd),
                 })
        {
            AssertRefused("learningRate", () => create(bad, 0.9, 0.999, 1e-8, 0));
            AssertRefused("beta1", () => create(1e-3, bad, 0.999, 1e-8, 0));
            AssertRefused("beta2", () => create(1e-3, 0.9, bad, 1e-8, 0));
            AssertRefused("epsilon", () => create(1e-3, 0.9, 0.999, bad, 0));
            AssertRefused("weightDecay", () => create(1e-3, 0.9, 0.999, 1e-8, bad));

            AdaptiveMomentOptimizer optimizer = create(1e-3, 0.9, 0.999, 1e-8, 0);
            AssertRefused("value", () => optimizer.LearningRate = bad);
            Assert.Equal(1e-3, optimizer.LearningRate);
        }
        AssertRefused("beta1", () => new Adam(beta1: 1));
        AssertRefused("beta2", () => new AdamW(beta2: 1));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-4.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Step_RefusesABadGradientDivisor_AndChangesNothing(double divisor)
    {
        foreach (IOptimizer optimizer in new IOptimizer[] { new Sgd(0.1, momentum: 0.9), new Adam(0.1), new AdamW(0.1), new GradientDescent(0.1) })
        {
            float[] parameters = [1, 2, 3];
            float[] gradient = [0.5f, -0.5f, 1];
            AssertRefused("gradientDivisor", () => optimizer.Step(parameters.AsSpan(), gradient.AsSpan(), (float)divisor, clearGradient: true));
            Assert.Equal([1f, 2f, 3f], parameters);
            Assert.Equal([0.5f, -0.5f, 1f], gradient);
            Assert.Equal(0, optimizer.StepCount);

            // The refused step did not fix the state's shape either: a double step of another length works.
            optimizer.Step(new double[5].AsSpan(), new double[5].AsSpan(), 2.0, clearGradient: false);
            Assert.Equal(1, optimizer.StepCount);
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-0.1f)]
    public void TrySgdStep_RefusesABadLearningRate_AndChangesNothing(float learningRate)
    {
        var network = new MnistNet(seed: 4);
        float[] before = network.Parameters.ToArray();
        float[] inputs = new float[2 * MnistNet.InputSize];
        inputs[3] = 1;

        AssertRefused("learningRate", () => network.TrySgdStep(inputs, new[] { 1, 2 }, learningRate, out _));
        AssertRefused("learningRate", () => network.TrySgdStep(inputs, new float[2 * MnistNet.OutputSize], learningRate, out _));
        Assert.Equal(before, network.Parameters.ToArray());
        Assert.True(network.TrySgdStep(inputs, new[] { 1, 2 }, 0f, out _));
    }

    [Fact]
    public void OptimizerState_RefusesAnInfiniteLearningRate() =>
        AssertRefused("learningRate", () => new OptimizerState("SGD", 0, double.PositiveInfinity, []));

    [Theory]
    [MemberData(nameof(NegativeOrNotFinite))]
    public void Schedules_RefuseBadArguments(double bad)
    {
        AssertRefused("baseRate", () => LearningRateSchedule.Step(2).GetLearningRate(bad, 0));
        AssertRefused("baseRate", () => LearningRateSchedule.Exponential(0.9).GetLearningRate(bad, 0));
        AssertRefused("baseRate", () => LearningRateSchedule.Cosine(10).GetLearningRate(bad, 0));
        AssertRefused("completedEpochs", () => LearningRateSchedule.Cosine(10).GetLearningRate(0.1, -1));
        AssertRefused("gamma", () => LearningRateSchedule.Step(2, bad));
        AssertRefused("gamma", () => LearningRateSchedule.Exponential(bad));
        AssertRefused("minimumRate", () => LearningRateSchedule.Cosine(10, bad));
        AssertRefused("stepSize", () => LearningRateSchedule.Step(0));
        AssertRefused("period", () => LearningRateSchedule.Cosine(0));
    }

    [Theory]
    [MemberData(nameof(NegativeOrNotFinite))]
    public void EarlyStoppingClippingAndCheckpoints_RefuseBadValues(double bad)
    {
        AssertRefused("minDelta", () => new EarlyStopping(3, bad));
        AssertRefused("patience", () => new EarlyStopping(0));
        AssertRefused("maxNorm", () => GradientClipping.ClipByGlobalNorm(new float[3].AsSpan(), bad));
        AssertRefused("maxNorm", () => GradientClipping.ClipByGlobalNorm(new float[3].AsSpan(), 0));

        var trainer = new Trainer<float>(new LinearNetwork<float>(2, 3, Activation.Softmax), new Sgd(0.1)) { ClipGradientNorm = 1 };
        AssertRefused("value", () => trainer.ClipGradientNorm = bad);
        AssertRefused("value", () => trainer.ClipGradientNorm = 0);
        Assert.Equal(1, trainer.ClipGradientNorm);
        AssertRefused("value", () => trainer.Epochs = 0);
        AssertRefused("value", () => trainer.BatchSize = 0);
        AssertRefused("value", () => trainer.Threads = 0);

        AssertRefused("value", () => new CheckpointOptions("folder") { EveryEpochs = -1 });
        AssertRefused("value", () => new CheckpointOptions("folder") { KeepLast = -1 });
        AssertRefused("epoch", () => CheckpointOptions.EpochFileName(-1));
    }
}
