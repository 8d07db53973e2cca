using System;
using System.Numerics;
using System.Text.Json;
using Xunit;

namespace StaticNet.Tests.Golden;

/// <summary>
/// The generated classes of Specs/Golden/*.staticnet.json against PyTorch (the golden files of
/// make_golden.py): description, loss and gradient of a batch, and five training steps per optimizer
/// configuration. Tolerance |actual - expected| &lt;= tol * max(1, |expected|), tol 1e-5 (float), 1e-10 (double).
/// </summary>
public sealed class GoldenTests
{
    public static TheoryData<string> Networks() => new(GoldenRunner.NetworkNames);

    public static TheoryData<string> LabelNetworks()
    {
        var data = new TheoryData<string>();
        foreach (string network in GoldenRunner.NetworkNames)
        {
            if (GoldenRunner.UsesLabels(network))
            {
                data.Add(network);
            }
        }
        return data;
    }

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

    /// <summary>A new instance of the generated class for <paramref name="network"/>.</summary>
    private static object Create(string network) => network switch
    {
        nameof(GoldenIrisSoftmax) => new GoldenIrisSoftmax(),
        nameof(GoldenTanhSigmoidBce) => new GoldenTanhSigmoidBce(),
        nameof(GoldenGeluSiluMse) => new GoldenGeluSiluMse(),
        nameof(GoldenEluLeakyLogits) => new GoldenEluLeakyLogits(),
        nameof(GoldenSoftplusSigmoidBce) => new GoldenSoftplusSigmoidBce(),
        _ => throw new ArgumentException(network),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void GeneratedDescriptionMatchesSpec(string network) => Dispatch(network,
        new Check((n, g) => GoldenRunner.CheckDescription(n, g), (n, g) => GoldenRunner.CheckDescription(n, g)));

    [Theory]
    [MemberData(nameof(Networks))]
    public void LossAndGradientMatchPyTorch(string network) => Dispatch(network,
        new Check((n, g) => GoldenRunner.CheckLossAndGradient(n, g), (n, g) => GoldenRunner.CheckLossAndGradient(n, g)));

    /// <summary>For cross-entropy networks, one-hot target vectors give what class labels give.</summary>
    [Theory]
    [MemberData(nameof(LabelNetworks))]
    public void OneHotTargetsMatchPyTorch(string network) => Dispatch(network,
        new Check((n, g) => GoldenRunner.CheckLossAndGradient(n, g, oneHot: true), (n, g) => GoldenRunner.CheckLossAndGradient(n, g, oneHot: true)));

    [Theory]
    [MemberData(nameof(Trainings))]
    public void TrainingMatchesPyTorch(string network, string optimizer) => Dispatch(network,
        new Check((n, g) => GoldenRunner.CheckTraining(n, g, optimizer), (n, g) => GoldenRunner.CheckTraining(n, g, optimizer)));

    private sealed record Check(Action<INetwork<float>, JsonElement> Float, Action<INetwork<double>, JsonElement> Double);

    private static void Dispatch(string network, Check check)
    {
        JsonElement golden = GoldenRunner.Load(network);
        switch (Create(network))
        {
            case INetwork<float> single:
                check.Float(single, golden);
                break;
            case INetwork<double> twice:
                check.Double(twice, golden);
                break;
            default:
                throw new InvalidOperationException($"{network} implements neither INetwork<float> nor INetwork<double>.");
        }
    }
}
