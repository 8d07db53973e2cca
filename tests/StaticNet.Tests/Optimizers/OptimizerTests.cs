using System;
using System.Numerics;
using StaticNet.Optimizers;
using Xunit;

namespace StaticNet.Tests.Optimizers;

public sealed class OptimizerTests
{
    public static TheoryData<string> Kinds() => new() { "sgd", "sgd_momentum", "sgd_nesterov_wd", "adam", "adam_amsgrad_wd", "adamw", "adamw_amsgrad" };

    private static IOptimizer Create(string kind) => kind switch
    {
        "sgd" => new Sgd(0.1),
        "sgd_momentum" => new Sgd(0.1, momentum: 0.9, dampening: 0.1),
        "sgd_nesterov_wd" => new Sgd(0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        "adam" => new Adam(),
        "adam_amsgrad_wd" => new Adam(weightDecay: 0.01, amsgrad: true),
        "adamw" => new AdamW(),
        "adamw_amsgrad" => new AdamW(amsgrad: true),
        _ => throw new ArgumentException(kind),
    };

    [Fact]
    public void DefaultsAreThoseOfTorch()
    {
        var adam = new Adam();
        Assert.Equal(1e-3, adam.LearningRate);
        Assert.Equal(0.9, adam.Beta1);
        Assert.Equal(0.999, adam.Beta2);
        Assert.Equal(1e-8, adam.Epsilon);
        Assert.Equal(0, adam.WeightDecay);
        Assert.False(adam.Amsgrad);

        var adamW = new AdamW();
        Assert.Equal(1e-3, adamW.LearningRate);
        Assert.Equal(1e-2, adamW.WeightDecay);
        Assert.False(adamW.Amsgrad);

        var sgd = new Sgd(0.5);
        Assert.Equal(0.5, sgd.LearningRate);
        Assert.Equal(0, sgd.Momentum);
        Assert.Equal(0, sgd.Dampening);
        Assert.False(sgd.Nesterov);
        Assert.Equal(0, sgd.WeightDecay);
    }

    [Fact]
    public void SgdRejectsWhatTorchRejects()
    {
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-0.1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(double.NaN));
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, momentum: -0.5)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, weightDecay: -1e-4)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, nesterov: true)).ParamName);
        Assert.Equal("dampening", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, momentum: 0.9, dampening: 0.1, nesterov: true)).ParamName);
        Assert.Equal("dampening", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, momentum: 0.9, dampening: double.NaN)).ParamName);
        _ = new Sgd(0); // lr 0 is allowed, as in torch
        _ = new Sgd(0.1, momentum: 0.9, nesterov: true);
    }

    [Fact]
    public void AdamAndAdamWRejectWhatTorchRejects()
    {
        foreach (Func<double, double, double, double, double, IOptimizer> create in new Func<double, double, double, double, double, IOptimizer>[]
        {
            (lr, b1, b2, eps, wd) => new Adam(lr, b1, b2, eps, wd),
            (lr, b1, b2, eps, wd) => new AdamW(lr, b1, b2, eps, wd),
        })
        {
            Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => create(-1e-3, 0.9, 0.999, 1e-8, 0)).ParamName);
            Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => create(1e-3, 1.0, 0.999, 1e-8, 0)).ParamName);
            Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => create(1e-3, -0.1, 0.999, 1e-8, 0)).ParamName);
            Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => create(1e-3, 0.9, 1.0, 1e-8, 0)).ParamName);
            Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => create(1e-3, 0.9, double.NaN, 1e-8, 0)).ParamName);
            Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => create(1e-3, 0.9, 0.999, -1e-8, 0)).ParamName);
            Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => create(1e-3, 0.9, 0.999, 1e-8, -0.01)).ParamName);
            _ = create(0, 0, 0, 0, 0); // all lower bounds are inclusive
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LearningRateSetterValidates(string kind)
    {
        IOptimizer optimizer = Create(kind);
        optimizer.LearningRate = 0.25;
        Assert.Equal(0.25, optimizer.LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = double.NaN);
        Assert.Equal(0.25, optimizer.LearningRate);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StepsDoNotAllocateAfterTheFirst(string kind)
    {
        AssertNoAllocation<float>(Create(kind), 1003);
        AssertNoAllocation<double>(Create(kind), 1003);
    }

    private static void AssertNoAllocation<T>(IOptimizer optimizer, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameters = new T[length];
        var gradient = new T[length];
        for (int i = 0; i < length; i++)
        {
            parameters[i] = T.CreateTruncating(Math.Sin(i));
            gradient[i] = T.CreateTruncating(Math.Cos(i) * 0.1);
        }
        optimizer.Step<T>(parameters, gradient); // allocates the state
        optimizer.Step<T>(parameters, gradient);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            optimizer.LearningRate = 1e-3 * (1 + i % 3);
            optimizer.Step<T>(parameters, gradient);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(102, optimizer.StepCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StateIsFixedByTheFirstStepUntilReset(string kind)
    {
        IOptimizer optimizer = Create(kind);
        Assert.Equal(0, optimizer.StepCount);
        var gradientError = Assert.Throws<ArgumentException>(() => optimizer.Step<float>(new float[4], new float[5]));
        Assert.Equal("gradient", gradientError.ParamName);
        Assert.Equal(0, optimizer.StepCount);

        optimizer.Step<float>(new float[4], new float[4]);
        var lengthError = Assert.Throws<ArgumentException>(() => optimizer.Step<float>(new float[5], new float[5]));
        Assert.Equal("parameters", lengthError.ParamName);
        Assert.Contains("4", lengthError.Message);
        Assert.Contains("5", lengthError.Message);
        Assert.Throws<ArgumentException>(() => optimizer.Step<double>(new double[4], new double[4]));
        Assert.Equal(1, optimizer.StepCount);

        optimizer.Reset();
        Assert.Equal(0, optimizer.StepCount);
        optimizer.Step<double>(new double[5], new double[5]);
        Assert.Equal(1, optimizer.StepCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ResetStartsOverExactly(string kind)
    {
        double[] start = [0.5, -1.5, 2.0, 0.25, -0.75];
        double[] gradient = [0.1, -0.2, 0.3, 0.0, 1.5];
        IOptimizer optimizer = Create(kind);
        double[] once = (double[])start.Clone();
        for (int i = 0; i < 3; i++)
        {
            optimizer.Step<double>(once, gradient);
        }

        optimizer.Reset();
        double[] again = (double[])start.Clone();
        for (int i = 0; i < 3; i++)
        {
            optimizer.Step<double>(again, gradient);
        }
        Assert.Equal(once, again);
    }

    [Fact]
    public void SgdMatchesHandComputedUpdates()
    {
        // Plain: p -= lr * g.
        double[] p = [1.0, -2.0];
        new Sgd(0.5).Step<double>(p, [0.2, 0.4]);
        Assert.Equal([0.9, -2.2], p);

        // Momentum: the buffer starts as the first gradient (no dampening on step 1), then b = mu*b + (1-d)*g.
        var sgd = new Sgd(1.0, momentum: 0.5, dampening: 0.5);
        double[] q = [0.0];
        sgd.Step<double>(q, [1.0]);   // b = 1, q = -1
        sgd.Step<double>(q, [1.0]);   // b = 0.5 + 0.5 = 1, q = -2
        sgd.Step<double>(q, [2.0]);   // b = 0.5 + 1 = 1.5, q = -3.5
        Assert.Equal(-3.5, q[0]);

        // Nesterov: step with g + mu*b.
        var nesterov = new Sgd(1.0, momentum: 0.5, nesterov: true);
        double[] r = [0.0];
        nesterov.Step<double>(r, [1.0]);  // b = 1, d = 1.5
        nesterov.Step<double>(r, [1.0]);  // b = 1.5, d = 1.75
        Assert.Equal(-3.25, r[0]);

        // Weight decay enters the gradient: d = g + wd * p.
        double[] s = [2.0];
        new Sgd(0.5, weightDecay: 0.25).Step<double>(s, [1.0]);
        Assert.Equal(2.0 - 0.5 * 1.5, s[0]);
    }

    [Fact]
    public void AdamFirstStepMovesByTheLearningRate()
    {
        // After one step m_hat = g and v_hat = g^2, so p moves by lr * g / (|g| + eps).
        double[] p = [1.0, 1.0, 1.0];
        new Adam(0.1).Step<double>(p, [3.0, -0.5, 0.0]);
        Assert.Equal(1.0 - 0.1 * 3.0 / (3.0 + 1e-8), p[0], 15);
        Assert.Equal(1.0 + 0.1 * 0.5 / (0.5 + 1e-8), p[1], 15);
        Assert.Equal(1.0, p[2]);

        // AdamW shrinks first: p * (1 - lr * wd), then the Adam step.
        double[] w = [2.0];
        new AdamW(0.1, weightDecay: 0.5).Step<double>(w, [0.0]);
        Assert.Equal(2.0 * (1 - 0.05), w[0], 15);

        // Adam's weight decay is an L2 term in the gradient instead: a zero gradient still moves p.
        double[] a = [2.0];
        new Adam(0.1, weightDecay: 0.5).Step<double>(a, [0.0]);
        Assert.Equal(2.0 - 0.1, a[0], 7);
    }

    [Fact]
    public void ExportedStateNamesBuffersAsTorch()
    {
        var adam = new Adam(amsgrad: true);
        OptimizerState empty = adam.ExportState();
        Assert.Equal("Adam", empty.Optimizer);
        Assert.Equal(0, empty.StepCount);
        Assert.Empty(empty.Buffers);
        Assert.Null(empty.ElementType);
        Assert.Equal(-1, empty.Length);

        adam.Step<float>(new float[3], [1f, 2f, 3f]);
        OptimizerState state = adam.ExportState();
        Assert.Equal(1, state.StepCount);
        Assert.Equal(1e-3, state.LearningRate);
        Assert.Equal(typeof(float), state.ElementType);
        Assert.Equal(3, state.Length);
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq"], Array.ConvertAll(ToArray(state), b => b.Name));
        float[] expAvg = Assert.IsType<float[]>(state.GetBuffer("exp_avg"));
        Assert.Equal(0.1f * 2f, expAvg[1], 6);
        Assert.Null(state.GetBuffer("momentum_buffer"));

        var sgd = new Sgd(0.1, momentum: 0.9);
        sgd.Step<double>(new double[2], [1.0, 2.0]);
        OptimizerState sgdState = sgd.ExportState();
        Assert.Equal("SGD", sgdState.Optimizer);
        Assert.Equal([1.0, 2.0], Assert.IsType<double[]>(sgdState.GetBuffer("momentum_buffer")));

        var plain = new Sgd(0.1);
        plain.Step<double>(new double[2], [1.0, 2.0]);
        Assert.Empty(plain.ExportState().Buffers);
        Assert.Equal(1, plain.ExportState().StepCount);

        var adamW = new AdamW();
        adamW.Step<double>(new double[2], [1.0, 2.0]);
        Assert.Equal("AdamW", adamW.ExportState().Optimizer);
        Assert.Equal(2, adamW.ExportState().Buffers.Count);
    }

    private static OptimizerBuffer[] ToArray(OptimizerState state)
    {
        var buffers = new OptimizerBuffer[state.Buffers.Count];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = state.Buffers[i];
        }
        return buffers;
    }

    [Fact]
    public void ImportRejectsStateOfAnotherConfiguration()
    {
        var adam = new Adam();
        adam.Step<double>(new double[3], [1.0, 2.0, 3.0]);
        OptimizerState adamState = adam.ExportState();

        var amsgrad = new Adam(amsgrad: true);
        amsgrad.Step<double>(new double[2], [1.0, 2.0]);
        Assert.Throws<ArgumentException>(() => amsgrad.ImportState(adamState));
        Assert.Equal(1, amsgrad.StepCount);
        Assert.Throws<ArgumentException>(() => amsgrad.Step<double>(new double[3], new double[3])); // unchanged: still sized 2

        Assert.Throws<ArgumentException>(() => new AdamW().ImportState(adamState));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1).ImportState(adamState));
        Assert.Throws<ArgumentNullException>(() => new Adam().ImportState(null!));

        var momentum = new Sgd(0.1, momentum: 0.9);
        momentum.Step<double>(new double[2], [1.0, 2.0]);
        OptimizerState momentumState = momentum.ExportState();
        Assert.Throws<ArgumentException>(() => new Sgd(0.1).ImportState(momentumState));
        var plain = new Sgd(0.1);
        plain.Step<double>(new double[2], [1.0, 2.0]);
        Assert.Throws<ArgumentException>(() => new Sgd(0.1, momentum: 0.5).ImportState(plain.ExportState()));

        // A fresh state (step 0) fits every configuration of the same kind and resets.
        var used = new Adam(amsgrad: true);
        used.Step<float>(new float[2], [1f, 1f]);
        used.ImportState(new Adam().ExportState());
        Assert.Equal(0, used.StepCount);
        used.Step<double>(new double[7], new double[7]);
    }

    [Fact]
    public void ImportedStateFixesTypeAndLength()
    {
        var adam = new Adam();
        adam.Step<float>(new float[3], [1f, 2f, 3f]);
        var other = new Adam();
        other.ImportState(adam.ExportState());
        Assert.Throws<ArgumentException>(() => other.Step<float>(new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => other.Step<double>(new double[3], new double[3]));
        other.Step<float>(new float[3], new float[3]);
        Assert.Equal(2, other.StepCount);
    }

    [Fact]
    public void OptimizerStateValidatesItsBuffers()
    {
        Assert.Throws<ArgumentException>(() => new OptimizerState("", 1, 0.1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OptimizerState("SGD", -1, 0.1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OptimizerState("SGD", 1, double.NaN, []));
        Assert.Throws<ArgumentException>(() => new OptimizerState("SGD", 1, 0.1, [new OptimizerBuffer("momentum_buffer", new int[2])]));
        Assert.Throws<ArgumentException>(() => new OptimizerState("Adam", 1, 0.1,
            [new OptimizerBuffer("exp_avg", new float[2]), new OptimizerBuffer("exp_avg_sq", new double[2])]));
        Assert.Throws<ArgumentException>(() => new OptimizerState("Adam", 1, 0.1,
            [new OptimizerBuffer("exp_avg", new float[2]), new OptimizerBuffer("exp_avg_sq", new float[3])]));
        Assert.Throws<ArgumentException>(() => new OptimizerState("Adam", 1, 0.1,
            [new OptimizerBuffer("exp_avg", new float[2]), new OptimizerBuffer("exp_avg", new float[2])]));
        Assert.Throws<ArgumentException>(() => new OptimizerState("Adam", 0, 0.1, [new OptimizerBuffer("exp_avg", new float[2])]));

        var state = new OptimizerState("Adam", 4, 0.01,
            [new OptimizerBuffer("exp_avg", new double[] { 1, 2 }), new OptimizerBuffer("exp_avg_sq", new double[] { 3, 4 })]);
        var adam = new Adam();
        adam.ImportState(state);
        Assert.Equal(4, adam.StepCount);
        Assert.Equal(0.01, adam.LearningRate);
        Assert.Equal(new double[] { 1, 2 }, adam.ExportState().GetBuffer("exp_avg"));
    }
}

public sealed class CustomOptimizerTests
{
    private sealed class Custom : IOptimizer
    {
        public double LearningRate { get; set; } = 0.1;

        public long StepCount { get; private set; }

        public void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient) where T : unmanaged, IFloatingPointIeee754<T> => StepCount++;

        public void Reset() => StepCount = 0;
    }

    [Fact]
    public void CheckpointMembersDefaultToNotSupported()
    {
        IOptimizer custom = new Custom();
        Assert.Contains("Custom", Assert.Throws<NotSupportedException>(() => custom.ExportState()).Message);
        Assert.Throws<NotSupportedException>(() => custom.ImportState(new Sgd(0.1).ExportState()));
    }
}
