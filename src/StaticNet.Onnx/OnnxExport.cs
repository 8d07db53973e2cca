using System;
using System.IO;
using System.Numerics;
using Google.Protobuf;
using Onnx;

namespace StaticNet.Onnx;

/// <summary>
/// Writes a StaticNet network as an ONNX model (opset 17, IR version 8) that ONNX Runtime, Netron and other
/// ONNX tools read: graph input <c>input [batch, InputSize]</c>, output <c>output [batch, OutputSize]</c>, one
/// <c>Gemm</c> per dense layer followed by its activation written with standard operators, and the weights as
/// initializers named by their weight-file keys (<c>0.weight</c>, <c>0.bias</c>, ...).
/// </summary>
/// <remarks>
/// <para>Float networks give a float32 graph, double networks a float64 graph throughout.</para>
/// <para>Float graphs use ONNX's fused activation operators. <c>softplus</c> is ONNX's <c>Softplus</c>, which has
/// no threshold (PyTorch and StaticNet return x above 20; the difference there is below e^-20, about 2e-9 relative).</para>
/// <para>ONNX's <c>alpha</c> attributes are float, and ONNX Runtime's CPU provider has no double kernel for
/// <c>Elu</c>, <c>Softplus</c> or <c>Erf</c>. Double graphs therefore write <c>leaky_relu</c> as <c>PRelu</c> with a
/// double slope, and <c>elu</c> and <c>softplus</c> with elementary operators (<c>Greater</c>, <c>Where</c>,
/// <c>Exp</c>, <c>Log</c>), exactly: alpha stays a double and softplus keeps PyTorch's threshold. <c>gelu</c> needs
/// <c>Erf</c>, for which there is no exact elementary form: a double GELU graph is valid ONNX, but ONNX Runtime
/// (1.31) refuses to load it (<c>NotImplemented</c>); runtimes with a double <c>Erf</c> run it.</para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>
    /// Writes <paramref name="network"/> as an ONNX model to <paramref name="path"/>. The file is replaced
    /// atomically: it is written to a temporary file beside it and renamed, so a failure leaves the previous
    /// file (or no file) rather than a truncated model.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network; its current parameters are written.</param>
    /// <param name="path">Target file, conventionally <c>*.onnx</c>.</param>
    /// <param name="options">Names, documentation and extra metadata; null for the defaults.</param>
    /// <exception cref="ArgumentException">The network's parameters do not match its description, the options are invalid, or <paramref name="path"/> does not name a file.</exception>
    /// <exception cref="NotSupportedException">The model would reach the 2 GiB protobuf limit.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written (for example it is read-only); the previous file, if any, is left intact.</exception>
    /// <exception cref="IOException">
    /// The file cannot be written for another reason, for example <see cref="DirectoryNotFoundException"/> (the folder is
    /// missing, or a part of the path is a file), <see cref="PathTooLongException"/> or a full disk; the previous file,
    /// if any, is left intact.
    /// </exception>
    public static void ExportOnnx<T>(this INetwork<T> network, string path, OnnxExportOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ExportOnnx(network, path, options, wrapStream: null);

    /// <summary>Writes <paramref name="network"/> as an ONNX model to <paramref name="stream"/>, which is left open.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network; its current parameters are written.</param>
    /// <param name="stream">A writable stream; the model is written at its current position.</param>
    /// <param name="options">Names, documentation and extra metadata; null for the defaults.</param>
    /// <exception cref="ArgumentException">The network's parameters do not match its description, the stream is not writable, or the options are invalid.</exception>
    /// <exception cref="NotSupportedException">The model would reach the 2 GiB protobuf limit.</exception>
    public static void ExportOnnx<T>(this INetwork<T> network, Stream stream, OnnxExportOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }
        ModelProto model = OnnxModelBuilder.Build(network, options ?? new OnnxExportOptions());
        model.WriteTo(stream);
    }

    /// <summary>Path overload with a test hook that wraps the temporary file's stream (to inject failures).</summary>
    internal static void ExportOnnx<T>(INetwork<T> network, string path, OnnxExportOptions? options, Func<Stream, Stream>? wrapStream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Build (and so validate) before touching the file system.
        ModelProto model = OnnxModelBuilder.Build(network, options ?? new OnnxExportOptions());
        AtomicFile.Write(path, model.WriteTo, wrapStream);
    }
}
