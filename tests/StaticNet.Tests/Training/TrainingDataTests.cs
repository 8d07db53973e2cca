using System;
using System.Linq;
using Xunit;

namespace StaticNet.Tests.Training;

public class TrainingDataTests
{
    [Fact]
    public void FromLabels_ExposesRows()
    {
        var data = TrainingData<float>.FromLabels([1, 2, 3, 4, 5, 6], [0, 2, 1], 2);
        Assert.Equal(3, data.Count);
        Assert.Equal(2, data.InputSize);
        Assert.Equal(0, data.TargetSize);
        Assert.True(data.HasLabels);
        Assert.True(data.IsClassification);
        Assert.Equal(new float[] { 5, 6 }, data.Input(2).ToArray());
        Assert.Equal(new[] { 0, 2, 1 }, data.Labels.ToArray());
        Assert.True(data.Targets.IsEmpty);
    }

    [Fact]
    public void FromLabels_RejectsBadShapesAndValues()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingData<float>.FromLabels([1, 2, 3, 4], [0, 1, 1], 2));
        Assert.Equal("labels", e.ParamName);
        Assert.Contains("2 rows", e.Message);
        Assert.Contains("3 labels", e.Message);

        e = Assert.Throws<ArgumentException>(() => TrainingData<float>.FromLabels([1, 2, 3], [0], 2));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("not a whole number of rows of 2", e.Message);

        e = Assert.Throws<ArgumentException>(() => TrainingData<float>.FromLabels([1, 2, 3, float.NaN], [0, 1], 2));
        Assert.Contains("row 1, column 1", e.Message);

        e = Assert.Throws<ArgumentException>(() => TrainingData<float>.FromLabels([1, 2, 3, 4], [0, -1], 2));
        Assert.Contains("row 1", e.Message);

        Assert.Throws<ArgumentException>(() => TrainingData<float>.FromLabels([], [], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingData<float>.FromLabels([1, 2], [0], 0));
    }

    [Fact]
    public void FromTargets_RejectsBadShapesAndValues()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingData<double>.FromTargets([1, 2, 3, 4], [1, 0, 0], 2, 2));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("needs 4 values", e.Message);

        e = Assert.Throws<ArgumentException>(() => TrainingData<double>.FromTargets([1, 2], [double.PositiveInfinity], 2, 1));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("row 0, column 0", e.Message);
    }

    [Fact]
    public void FromTargets_RecognizesClassification()
    {
        Assert.True(TrainingData<float>.FromTargets([1, 2, 3], [0, 1, 1], 1, 1).IsClassification);
        Assert.False(TrainingData<float>.FromTargets([1, 2, 3], [0, 1, 0.5f], 1, 1).IsClassification);

        var oneHot = TrainingData<float>.FromTargets([1, 2], [0, 0, 1, 1, 0, 0], 1, 3);
        Assert.True(oneHot.IsClassification);
        Assert.Equal(new[] { 2, 0 }, oneHot.Classes);
        Assert.False(oneHot.HasLabels);

        Assert.False(TrainingData<float>.FromTargets([1, 2], [0, 1, 1, 1, 0, 0], 1, 3).IsClassification);
        Assert.False(TrainingData<float>.FromTargets([1, 2], [0, 0, 0, 1, 0, 0], 1, 3).IsClassification);
    }

    [Fact]
    public void Split_PartitionsDeterministically()
    {
        var data = SyntheticData.Blobs<float>(100, 3, seed: 5);
        var (training, validation) = data.Split(0.25, seed: 7);
        Assert.Equal(75, training.Count);
        Assert.Equal(25, validation.Count);

        // Every original row lands in exactly one part.
        var rows = Enumerable.Range(0, data.Count).Select(r => (data.Input(r)[0], data.Input(r)[1], data.Labels[r])).ToList();
        var parts = Enumerable.Range(0, training.Count).Select(r => (training.Input(r)[0], training.Input(r)[1], training.Labels[r]))
            .Concat(Enumerable.Range(0, validation.Count).Select(r => (validation.Input(r)[0], validation.Input(r)[1], validation.Labels[r])))
            .ToList();
        Assert.Equal(rows.OrderBy(x => x).ToList(), parts.OrderBy(x => x).ToList());

        var (training2, validation2) = data.Split(0.25, seed: 7);
        Assert.Equal(validation.Inputs.ToArray(), validation2.Inputs.ToArray());
        Assert.Equal(training.Labels.ToArray(), training2.Labels.ToArray());
        var (_, validation3) = data.Split(0.25, seed: 8);
        Assert.NotEqual(validation.Inputs.ToArray(), validation3.Inputs.ToArray());
    }

    [Fact]
    public void Split_KeepsTargetsAndClasses()
    {
        var data = TrainingData<double>.FromTargets([0, 1, 2, 3], [1, 0, 0, 1, 1, 0, 0, 1], 1, 2);
        var (training, validation) = data.Split(0.5, seed: 1);
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal((int)training.Input(r)[0] % 2, training.Classes![r]);
            Assert.Equal((int)validation.Input(r)[0] % 2, validation.Classes![r]);
            Assert.Equal(training.Classes![r] == 1 ? 1.0 : 0.0, training.Targets[2 * r + 1]);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(0.01)]
    [InlineData(0.99)]
    public void Split_RejectsEmptyParts(double fraction)
    {
        var data = SyntheticData.Blobs<float>(10, 2, seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(fraction, seed: 1));
    }
}
