using System.Linq;
using Xunit;

namespace StaticNet.Tests.Training;

public class CsvDataSetTests
{
    [Fact]
    public void Iris_Loads()
    {
        CsvDataSet iris = CsvDataSet.Load("iris");
        Assert.Equal(150, iris.Count);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], iris.FeatureNames);
        Assert.Equal(["setosa", "versicolor", "virginica"], iris.ClassNames);
        Assert.Equal([5.1, 3.5, 1.4, 0.2], iris.Features.Take(4));
        Assert.Equal(50, iris.Labels.Count(l => l == 2));

        TrainingData<float> data = iris.ToStandardizedTrainingData<float>();
        Assert.Equal(4, data.InputSize);
        Assert.InRange(Enumerable.Range(0, 150).Average(r => data.Input(r)[2]), -1e-5, 1e-5);
    }

    [Fact]
    public void Digits_Loads()
    {
        CsvDataSet digits = CsvDataSet.Load("digits");
        Assert.Equal(1797, digits.Count);
        Assert.Equal(64, digits.FeatureCount);
        Assert.Equal(10, digits.ClassNames.Length);
        Assert.Equal(16.0, digits.Features.Max());
    }
}
