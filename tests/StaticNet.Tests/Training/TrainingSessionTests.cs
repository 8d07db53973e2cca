using System;
using System.Threading;
using Xunit;

namespace StaticNet.Tests.Training;

public class TrainingSessionTests
{
    private static int[] Identity(int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        return order;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TrainBatch_DoesNotAllocate(int threads)
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        var data = SyntheticData.Blobs<float>(64, 3, seed: 1);
        int[] order = Identity(data.Count);
        using var session = new TrainingSession<float>(network, new GradientDescent(0.01), clipNorm: 1.0, threads, parallelThreshold: 1);

        for (int i = 0; i < 3; i++)
        {
            session.TrainBatch(data, order, 0, 32, measureAccuracy: true, 1, 1, 2);
            session.Evaluate(data, CancellationToken.None);
        }

        Assert.Equal(0, AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                session.TrainBatch(data, order, (i % 2) * 32, 32, measureAccuracy: true, 1, 1 + i % 2, 2);
            }
        }));
        Assert.Equal(threads, session.LastParts);

        Assert.Equal(0, AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                session.Evaluate(data, CancellationToken.None);
            }
        }));
    }

    [Theory]
    [InlineData(16, 1000, 1)]   // 16 rows x 9 parameters = 144: too little to share
    [InlineData(16, 100, 2)]    // enough for two parts of at least 50
    [InlineData(64, 100, 4)]    // 576: capped by the four threads
    [InlineData(3, 1, 3)]       // capped by the rows
    public void Parts_DependOnWorkThreadsAndRows(int rows, long threshold, int expectedParts)
    {
        var network = new LinearNetwork<float>(2, 3, Activation.Softmax);
        var data = SyntheticData.Blobs<float>(64, 3, seed: 1);
        using var session = new TrainingSession<float>(network, new GradientDescent(0.01), null, threads: 4, threshold);
        session.TrainBatch(data, Identity(64), 0, rows, measureAccuracy: false, 1, 1, 1);
        Assert.Equal(expectedParts, session.LastParts);
    }

    [Fact]
    public void WorkerPool_RunsEveryPartOnceAndRethrows()
    {
        using var pool = new WorkerPool(2);
        Assert.Equal(2, pool.Threads);
        var seen = new int[5];
        Action<int> work = part => Interlocked.Increment(ref seen[part]);
        for (int round = 0; round < 2000; round++)
        {
            pool.Run(work, 3);
        }
        pool.Run(work, 2);
        pool.Run(work, 5);   // more parts than threads: they are claimed in turn
        pool.Run(work, 1);
        Assert.Equal(new[] { 2003, 2002, 2001, 1, 1 }, seen);

        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(part => { if (part == 2) throw new InvalidOperationException("part 2"); }, 3));
        Assert.Equal("part 2", e.Message);
        pool.Run(work, 3);
        Assert.Equal(new[] { 2004, 2003, 2002, 1, 1 }, seen);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Run(work, 0));
    }

}
