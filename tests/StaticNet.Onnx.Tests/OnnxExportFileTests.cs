using System;
using System.IO;
using System.Linq;
using Xunit;
using static StaticNet.Onnx.Tests.OnnxTestSupport;

namespace StaticNet.Onnx.Tests;

/// <summary>Failures leave no partial model behind; bad networks and options are refused before any write.</summary>
public sealed class OnnxExportFileTests
{
    [Fact]
    public void FailedWrite_KeepsThePreviousFile_AndLeavesNoTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        byte[] previous = { 42, 43, 44 };
        File.WriteAllBytes(path, previous);

        var network = new OnnxReluDouble(2);
        IOException failure = Assert.Throws<IOException>(() =>
            OnnxExport.ExportOnnx(network, path, options: null, wrapStream: file => new FailingStream(file, limit: 100)));
        Assert.Contains("Injected", failure.Message);

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void FailedWrite_WithoutAPreviousFile_LeavesNothing()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        Assert.Throws<IOException>(() =>
            OnnxExport.ExportOnnx(new OnnxSiluFloat(2), path, options: null, wrapStream: file => new FailingStream(file, limit: 0)));
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void SuccessfulExport_ReplacesTheFile_AndLeavesNoTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        File.WriteAllBytes(path, new byte[] { 1 });
        new OnnxTanhFloat(1).ExportOnnx(path);
        Assert.True(new FileInfo(path).Length > 100);
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void ParameterCountMismatch_IsRefusedBeforeWriting()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        INetwork<float> inner = new OnnxReluFloat(1);
        var broken = new WrappedNetwork<float>(inner, parameters: new float[inner.ParameterCount - 1]);
        ArgumentException error = Assert.Throws<ArgumentException>(() => broken.ExportOnnx(path));
        Assert.Contains($"{inner.ParameterCount - 1} parameters", error.Message);
        Assert.Contains($"{inner.ParameterCount}", error.Message);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void PrecisionMismatch_IsRefused()
    {
        INetwork<float> inner = new OnnxReluFloat(1);
        var lying = new WrappedNetwork<float>(inner, inner.Description with { Precision = Precision.Double });
        ArgumentException error = Assert.Throws<ArgumentException>(() => lying.ExportOnnx(new MemoryStream()));
        Assert.Contains("Double", error.Message);
    }

    [Fact]
    public void InconsistentDescription_IsRefused()
    {
        INetwork<float> inner = new OnnxReluFloat(1);
        NetworkDescription description = inner.Description;
        var layers = description.Layers.ToArray();
        // Same parameter count, shapes that do not chain: layer 1 is 5 -> 6 without bias; make it "6 -> 5".
        layers[1] = layers[1] with { FanIn = layers[1].Units, Units = layers[1].FanIn };
        var broken = new WrappedNetwork<float>(inner, description with { Layers = layers });
        ArgumentException error = Assert.Throws<ArgumentException>(() => broken.ExportOnnx(new MemoryStream()));
        Assert.Contains("Layer 1", error.Message);

        var empty = new WrappedNetwork<float>(inner, description with { Layers = Array.Empty<LayerDescription>() }, parameters: Array.Empty<float>());
        Assert.Throws<ArgumentException>(() => empty.ExportOnnx(new MemoryStream()));
    }

    [Fact]
    public void NameCollisions_AreRefused()
    {
        var network = new OnnxReluFloat(1);
        Assert.Throws<ArgumentException>(() => network.ExportOnnx(new MemoryStream(), new OnnxExportOptions { InputName = "0.weight" }));
        Assert.Throws<ArgumentException>(() => network.ExportOnnx(new MemoryStream(), new OnnxExportOptions { InputName = "x", OutputName = "x" }));
        Assert.Throws<ArgumentException>(() => network.ExportOnnx(new MemoryStream(), new OnnxExportOptions { OutputName = " " }));
        ArgumentException metadata = Assert.Throws<ArgumentException>(() => network.ExportOnnx(new MemoryStream(),
            new OnnxExportOptions { Metadata = new System.Collections.Generic.Dictionary<string, string> { ["staticnet.name"] = "other" } }));
        Assert.Contains("staticnet.name", metadata.Message);
    }

    [Fact]
    public void ReadOnlyStream_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new OnnxReluFloat(1).ExportOnnx(new MemoryStream(new byte[10], writable: false)));
    }

    [Fact]
    public void NullArguments_AreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => OnnxExport.ExportOnnx<float>(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => new OnnxReluFloat(1).ExportOnnx((Stream)null!));
        Assert.ThrowsAny<ArgumentException>(() => new OnnxReluFloat(1).ExportOnnx((string)null!));
        Assert.Throws<ArgumentException>(() => new OnnxReluFloat(1).ExportOnnx(""));
    }
}
