using System;
using Xunit;

namespace StaticNet.Tests.Training;

public class ScheduleAndClippingTests
{
    [Fact]
    public void Step_MultipliesEveryStepSizeEpochs()
    {
        var schedule = LearningRateSchedule.Step(2, 0.5);
        double[] expected = [0.1, 0.1, 0.05, 0.05, 0.025, 0.025];
        for (int e = 0; e < expected.Length; e++)
        {
            Assert.Equal(expected[e], schedule.GetLearningRate(0.1, e), 15);
        }
        Assert.Equal(0.1 * 0.1, LearningRateSchedule.Step(3).GetLearningRate(0.1, 3), 15);
    }

    [Fact]
    public void Exponential_MultipliesEveryEpoch()
    {
        var schedule = LearningRateSchedule.Exponential(0.9);
        for (int e = 0; e < 5; e++)
        {
            Assert.Equal(0.2 * Math.Pow(0.9, e), schedule.GetLearningRate(0.2, e), 15);
        }
    }

    [Fact]
    public void Cosine_AnnealsFromBaseToMinimum()
    {
        var schedule = LearningRateSchedule.Cosine(10, 0.01);
        Assert.Equal(0.1, schedule.GetLearningRate(0.1, 0), 15);
        Assert.Equal(0.01 + 0.09 / 2, schedule.GetLearningRate(0.1, 5), 15);
        Assert.Equal(0.01, schedule.GetLearningRate(0.1, 10), 15);
        // torch.optim.lr_scheduler.CosineAnnealingLR(T_max=10, eta_min=0.01) from 0.1, after 3 steps.
        Assert.Equal(0.08145033635316129, schedule.GetLearningRate(0.1, 3), 15);
        Assert.Equal(0.0, LearningRateSchedule.Cosine(4).GetLearningRate(1, 4), 15);
    }

    [Fact]
    public void Factories_RejectBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Exponential(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(5, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(1, -0.1));
    }

    [Fact]
    public void ClipByGlobalNorm_ScalesLikePyTorch()
    {
        float[] gradient = [3, 4];
        double norm = GradientClipping.ClipByGlobalNorm<float>(gradient, 1.0);
        Assert.Equal(5.0, norm, 12);
        // torch.nn.utils.clip_grad_norm_ on a float32 gradient [3, 4] with max_norm 1.
        Assert.Equal(0.5999999046325684f, gradient[0]);
        Assert.Equal(0.7999998331069946f, gradient[1]);

        double[] small = [0.3, -0.4, 0, 0, 0, 0, 0, 0, 0, 0, 0.0];
        norm = GradientClipping.ClipByGlobalNorm<double>(small, 1.0);
        Assert.Equal(0.5, norm, 15);
        Assert.Equal(0.3, small[0]);
        Assert.Equal(-0.4, small[1]);

        // A long gradient exercises the vector path: norm of 1000 ones is sqrt(1000).
        double[] ones = new double[1000];
        Array.Fill(ones, 1.0);
        norm = GradientClipping.ClipByGlobalNorm<double>(ones, 2.0);
        Assert.Equal(Math.Sqrt(1000), norm, 12);
        Assert.All(ones, v => Assert.Equal(2.0 / (Math.Sqrt(1000) + 1e-6), v, 15));
        Assert.Equal(2.0, Math.Sqrt(System.Linq.Enumerable.Sum(ones, v => v * v)), 5);
    }

    [Fact]
    public void ClipByGlobalNorm_LeavesNonFiniteGradientAlone()
    {
        double[] gradient = [1, double.NaN];
        Assert.True(double.IsNaN(GradientClipping.ClipByGlobalNorm<double>(gradient, 1.0)));
        Assert.Equal(1.0, gradient[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm<double>(gradient, 0));
    }
}
