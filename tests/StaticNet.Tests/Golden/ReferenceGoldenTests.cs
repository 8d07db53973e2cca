using System.Text.Json;
using Xunit;

namespace StaticNet.Tests.Golden;

/// <summary>
/// Runs the golden files against <see cref="DynamicNetwork{T}"/>, the runtime's interpreted network: checks the
/// files, the test harness, the optimizers in training and DynamicNetwork itself against PyTorch, independently
/// of the source generator (whose classes <c>GoldenTests</c> checks with the same files).
/// </summary>
public sealed class ReferenceGoldenTests
{
    public static TheoryData<string> Networks() => new(GoldenRunner.NetworkNames);

    public static TheoryData<string, string> Trainings()
    {
        var data = new TheoryData<string, string>();
        foreach (string network in GoldenRunner.NetworkNames)
        {
            foreach (string optimizer in GoldenRunner.OptimizerNames(network))
            {
                data.Add(network, optimizer);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void DescriptionRuleMatchesTorchKeys(string network)
    {
        JsonElement golden = GoldenRunner.Load(network);
        if (IsDouble(golden))
        {
            GoldenRunner.CheckDescription(Create<double>(golden), golden);
        }
        else
        {
            GoldenRunner.CheckDescription(Create<float>(golden), golden);
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void LossAndGradientMatchPyTorch(string network)
    {
        JsonElement golden = GoldenRunner.Load(network);
        if (IsDouble(golden))
        {
            GoldenRunner.CheckLossAndGradient(Create<double>(golden), golden);
        }
        else
        {
            GoldenRunner.CheckLossAndGradient(Create<float>(golden), golden);
        }
    }

    [Theory]
    [MemberData(nameof(Trainings))]
    public void TrainingMatchesPyTorch(string network, string optimizer)
    {
        JsonElement golden = GoldenRunner.Load(network);
        if (IsDouble(golden))
        {
            GoldenRunner.CheckTraining(Create<double>(golden), golden, optimizer);
        }
        else
        {
            GoldenRunner.CheckTraining(Create<float>(golden), golden, optimizer);
        }
    }

    [Fact]
    public void ErfIsAccurate()
    {
        // Values of Python's math.erf.
        Assert.Equal(0.8427007929497149, Kernels.Erf(1.0), tolerance: 4e-16);
        Assert.Equal(-0.5204998778130465, Kernels.Erf(-0.5), tolerance: 4e-16);
        Assert.Equal(0.9999779095030014, Kernels.Erf(3.0), tolerance: 4e-16);
        Assert.Equal(0.0, Kernels.Erf(0.0));
    }

    private static bool IsDouble(JsonElement golden) => golden.GetProperty("spec").GetProperty("precision").GetString() == "double";

    private static DynamicNetwork<T> Create<T>(JsonElement golden) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        new(GoldenRunner.DescribeSpec(golden.GetProperty("spec")));
}
