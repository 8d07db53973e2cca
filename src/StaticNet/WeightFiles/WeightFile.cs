using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Text;

namespace StaticNet;

/// <summary>
/// Saves and loads a network's parameters as a safetensors file whose tensor names and shapes are those of
/// the equivalent PyTorch <c>nn.Sequential</c> state_dict (<c>0.weight</c> <c>[units, fanIn]</c>,
/// <c>0.bias</c> <c>[units]</c>, ...), so files move between StaticNet and PyTorch without renaming.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Save{T}(INetwork{T}, string)"/> writes F32 for float networks and F64 for double networks,
/// bit-exactly, with metadata <c>format</c> = <c>pt</c> (the layout is PyTorch's), <c>staticnet.format</c> =
/// <c>1</c>, <c>staticnet.name</c> and <c>staticnet.topology_hash</c>. Saving to a path is atomic.
/// </para>
/// <para>
/// <c>Load</c> accepts F16, BF16, F32 and F64 tensors and converts them to the network's precision
/// (narrowing F64 to float rounds to nearest; values are not otherwise checked, so NaN or infinity load as
/// they are). It validates the whole file and its fit to the network before it changes anything: a load
/// that throws leaves the parameters exactly as they were. What must match is every expected tensor's name
/// and shape; the topology hash in the metadata is not compared unless
/// <see cref="WeightLoadOptions.RequireMatchingTopologyHash"/> says so, because files from PyTorch carry no
/// hash and the shapes already determine where every number goes. The network name is never compared.
/// A <c>staticnet.format</c> other than <c>1</c> is rejected: it comes from a newer StaticNet.
/// </para>
/// </remarks>
public static class WeightFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const string FormatVersion = "1";

    /// <summary>Metadata key of the format version.</summary>
    public const string FormatVersionKey = "staticnet.format";

    /// <summary>Metadata key of the network name.</summary>
    public const string NetworkNameKey = "staticnet.name";

    /// <summary>Metadata key of <see cref="NetworkDescription.TopologyHash"/>.</summary>
    public const string TopologyHashKey = "staticnet.topology_hash";

    /// <summary>Saves the parameters to <paramref name="path"/> atomically (temporary file, flush to disk, rename).</summary>
    /// <remarks>
    /// The temporary file, <c>.staticnet-*.tmp</c> beside the target, has a short fixed-length name, so any legal file
    /// name can be saved. A process killed during a save leaves it behind; the next save of the same target deletes
    /// such stale temporaries (last written over a minute ago and held open by no process, so a concurrent save by
    /// another process is never disturbed). Other files are never touched.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or does not name a file.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written (for example it is read-only); the previous file, if any, is left intact.</exception>
    /// <exception cref="IOException">
    /// The file cannot be written for another reason, for example <see cref="DirectoryNotFoundException"/> (the folder is
    /// missing, or a part of the path is a file), <see cref="PathTooLongException"/> or a full disk; the previous file,
    /// if any, is left intact.
    /// </exception>
    public static void Save<T>(INetwork<T> network, string path)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Save(network, path, wrapStream: null);

    /// <summary>Writes the parameters to <paramref name="stream"/> as a safetensors file; the stream is not disposed.</summary>
    public static void Save<T>(INetwork<T> network, Stream stream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ToSafeTensors(network).Write(stream);
    }

    internal static void Save<T>(INetwork<T> network, string path, Func<Stream, Stream>? wrapStream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensorsFile file = ToSafeTensors(network);
        file.BuildHeader();
        AtomicFile.Write(path, file.Write, wrapStream);
    }

    /// <summary>
    /// The safetensors file <see cref="Save{T}(INetwork{T}, string)"/> would write: one tensor per weight and
    /// bias in canonical order, plus metadata. Checkpoints add their own tensors to it.
    /// </summary>
    public static SafeTensorsFile ToSafeTensors<T>(INetwork<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        NetworkDescription description = network.Description;
        ReadOnlySpan<T> parameters = network.Parameters;
        CheckParameterCount(parameters.Length, description);

        var file = new SafeTensorsFile();
        file.Metadata["format"] = "pt";
        file.Metadata[FormatVersionKey] = FormatVersion;
        file.Metadata[NetworkNameKey] = description.Name;
        file.Metadata[TopologyHashKey] = description.TopologyHash;
        AddTensors(file, description, parameters, "");
        ReadOnlySpan<T> normalization = network.NormalizationParameters;
        if (!normalization.IsEmpty)
        {
            SafeTensorsDType dtype = typeof(T) == typeof(double) ? SafeTensorsDType.F64 : SafeTensorsDType.F32;
            int width = description.InputSize;
            file.Tensors.Add(SafeTensorsTensor.Create(InputNormalization.ShiftKey, normalization.Slice(0, width), [width], dtype));
            file.Tensors.Add(SafeTensorsTensor.Create(InputNormalization.ScaleKey, normalization.Slice(width, width), [width], dtype));
        }
        return file;
    }

    /// <summary>Adds one tensor per weight and bias of <paramref name="parameters"/> (canonical layout), named <c>keyPrefix + key</c>.</summary>
    internal static void AddTensors<T>(SafeTensorsFile file, NetworkDescription description, ReadOnlySpan<T> parameters, string keyPrefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        SafeTensorsDType dtype = typeof(T) == typeof(double) ? SafeTensorsDType.F64 : SafeTensorsDType.F32;
        foreach (LayerDescription layer in description.Layers)
        {
            file.Tensors.Add(SafeTensorsTensor.Create(keyPrefix + layer.WeightKey,
                parameters.Slice(layer.WeightOffset, layer.WeightCount), [layer.Units, layer.FanIn], dtype));
            if (layer.HasBias)
            {
                file.Tensors.Add(SafeTensorsTensor.Create(keyPrefix + BiasKey(layer),
                    parameters.Slice(layer.BiasOffset, layer.Units), [layer.Units], dtype));
            }
        }
    }

    /// <summary>Loads the parameters from the safetensors file at <paramref name="path"/>.</summary>
    /// <exception cref="WeightFileException">The file is malformed or does not fit the network; the network is unchanged.</exception>
    /// <exception cref="IOException">The file cannot be opened or read; the network is unchanged.</exception>
    public static void Load<T>(INetwork<T> network, string path, WeightLoadOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Load(network, SafeTensorsFile.Read(path), options);
    }

    /// <summary>Loads the parameters from a safetensors file that runs from the stream's position to its end.</summary>
    /// <exception cref="WeightFileException">The data is malformed or does not fit the network; the network is unchanged.</exception>
    public static void Load<T>(INetwork<T> network, Stream stream, WeightLoadOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        Load(network, SafeTensorsFile.Read(stream), options);
    }

    /// <summary>Loads the parameters from a safetensors file already in memory.</summary>
    /// <remarks>
    /// A training checkpoint (see <see cref="CheckpointOptions"/>) loads like a plain weight file: its extra tensors
    /// live under the reserved prefixes <c>optimizer.</c> and <c>best.</c>, which are not "unexpected" in a file whose
    /// metadata marks it as a checkpoint. The network gets the parameters of the checkpoint's epoch.
    /// </remarks>
    /// <exception cref="WeightFileException">The file does not fit the network; the network is unchanged.</exception>
    public static void Load<T>(INetwork<T> network, SafeTensorsFile file, WeightLoadOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(file);
        NetworkDescription description = network.Description;
        CheckParameterCount(network.Parameters.Length, description);
        T[] staging = ReadParameters<T>(description, file, options ?? WeightLoadOptions.Default, keyPrefix: "",
            network.NormalizationParameters.Length, out T[]? normalization);
        staging.CopyTo(network.Parameters);
        normalization?.CopyTo(network.NormalizationParameters);
    }

    /// <summary>
    /// Checks <paramref name="file"/> against <paramref name="description"/> and decodes the tensors named
    /// <c>keyPrefix + key</c> into a new parameter array, touching no network. With a non-empty prefix, other
    /// tensors are never "unexpected" (the caller reads a part of a larger file).
    /// </summary>
    internal static T[] ReadParameters<T>(NetworkDescription description, SafeTensorsFile file, WeightLoadOptions options, string keyPrefix)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ReadParameters<T>(description, file, options, keyPrefix, normalizationLength: 0, out _);

    /// <summary>
    /// Like the overload without normalization, and for a network with input normalization
    /// (<paramref name="normalizationLength"/> &gt; 0) also decodes its shift and scale tensors when the file has
    /// them (<paramref name="normalization"/>; null when it has none, so the network keeps its own).
    /// </summary>
    internal static T[] ReadParameters<T>(NetworkDescription description, SafeTensorsFile file, WeightLoadOptions options, string keyPrefix,
        int normalizationLength, out T[]? normalization)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string source = file.SourceName ?? "<memory>";
        if (file.Metadata.TryGetValue(FormatVersionKey, out string? version) && version != FormatVersion)
        {
            throw new WeightFileException(source, null,
                $"metadata '{FormatVersionKey}' is '{version}'; this version of StaticNet reads '{FormatVersion}'.");
        }
        if (options.RequireMatchingTopologyHash)
        {
            file.Metadata.TryGetValue(TopologyHashKey, out string? hash);
            if (hash != description.TopologyHash)
            {
                file.Metadata.TryGetValue(NetworkNameKey, out string? name);
                throw new WeightFileException(source, null,
                    $"metadata '{TopologyHashKey}' is {(hash is null ? "missing" : $"'{hash}'")}; expected '{description.TopologyHash}' " +
                    $"(network {description.Name}){(name is null ? "" : $"; the file was saved from network {name}")}, and the topology hash must match.");
            }
        }

        var byName = new Dictionary<string, SafeTensorsTensor>(StringComparer.Ordinal);
        foreach (SafeTensorsTensor tensor in file.Tensors)
        {
            if (!byName.TryAdd(tensor.Name, tensor))
            {
                throw new WeightFileException(source, tensor.Name, $"tensor '{tensor.Name}' appears twice.");
            }
        }

        // Pass 1: check everything. Nothing is decoded, nothing is written.
        var plan = new List<(SafeTensorsTensor Tensor, int Offset)>(2 * description.Layers.Count);
        foreach (LayerDescription layer in description.Layers)
        {
            plan.Add((Match(byName, keyPrefix + layer.WeightKey, $"weight of layer {layer.Index}", [layer.Units, layer.FanIn], description, source),
                layer.WeightOffset));
            if (layer.HasBias)
            {
                plan.Add((Match(byName, keyPrefix + BiasKey(layer), $"bias of layer {layer.Index}", [layer.Units], description, source),
                    layer.BiasOffset));
            }
        }
        // The input normalization is optional in a file (PyTorch has none): when absent, the network keeps its own.
        var normalizationPlan = new List<(SafeTensorsTensor Tensor, int Offset)>(2);
        if (normalizationLength > 0)
        {
            foreach ((string key, int offset) in new[] { (InputNormalization.ShiftKey, 0), (InputNormalization.ScaleKey, description.InputSize) })
            {
                if (byName.ContainsKey(keyPrefix + key))
                {
                    normalizationPlan.Add((Match(byName, keyPrefix + key, "input normalization", [description.InputSize], description, source), offset));
                }
            }
        }
        if (keyPrefix.Length == 0 && !options.AllowUnexpectedTensors && plan.Count + normalizationPlan.Count != byName.Count)
        {
            var expected = new HashSet<string>(StringComparer.Ordinal);
            foreach ((SafeTensorsTensor tensor, _) in plan)
            {
                expected.Add(tensor.Name);
            }
            foreach ((SafeTensorsTensor tensor, _) in normalizationPlan)
            {
                expected.Add(tensor.Name);
            }
            bool checkpoint = TrainingCheckpoint.IsCheckpoint(file);
            foreach (SafeTensorsTensor tensor in file.Tensors)
            {
                if (!expected.Contains(tensor.Name) && !(checkpoint && TrainingCheckpoint.IsReservedTensorName(tensor.Name)))
                {
                    throw new WeightFileException(source, tensor.Name,
                        $"unexpected tensor '{tensor.Name}' ({tensor.DType.ToHeaderName()} {tensor.ShapeText}); network {description.Name} " +
                        $"expects only {ListExpected(description)}. Set WeightLoadOptions.AllowUnexpectedTensors to ignore extra tensors.");
                }
            }
        }

        // Pass 2: decode into a staging buffer; the caller publishes it with one copy.
        var staging = new T[description.ParameterCount];
        foreach ((SafeTensorsTensor tensor, int offset) in plan)
        {
            tensor.CopyTo(staging.AsSpan(offset, (int)tensor.ElementCount));
        }
        normalization = null;
        if (normalizationPlan.Count > 0)
        {
            normalization = new T[normalizationLength];
            InputNormalization.Reset<T>(normalization);
            foreach ((SafeTensorsTensor tensor, int offset) in normalizationPlan)
            {
                tensor.CopyTo(normalization.AsSpan(offset, description.InputSize));
            }
        }
        return staging;
    }

    private static SafeTensorsTensor Match(Dictionary<string, SafeTensorsTensor> byName, string key, string role,
        ReadOnlySpan<long> shape, NetworkDescription description, string source)
    {
        string expectedShape = SafeTensorsTensor.FormatShape(shape);
        if (!byName.TryGetValue(key, out SafeTensorsTensor? tensor))
        {
            throw new WeightFileException(source, key,
                $"tensor '{key}' ({role} of network {description.Name}) is missing; expected shape {expectedShape}. " +
                $"The file has {ListNames(byName.Keys)}.");
        }
        if (!tensor.HasShape(shape))
        {
            throw new WeightFileException(source, key,
                $"tensor '{key}' ({role} of network {description.Name}) has shape {tensor.ShapeText}; expected {expectedShape}.");
        }
        if (!tensor.DType.IsLoadableFloat())
        {
            throw new WeightFileException(source, key,
                $"tensor '{key}' ({role} of network {description.Name}) has dtype {tensor.DType.ToHeaderName()}; expected F16, BF16, F32 or F64.");
        }
        return tensor;
    }

    private static string BiasKey(LayerDescription layer) =>
        layer.BiasKey ?? throw new InvalidOperationException($"Layer {layer.Index} has a bias but no BiasKey.");

    private static void CheckParameterCount(int actual, NetworkDescription description)
    {
        if (actual != description.ParameterCount)
        {
            throw new ArgumentException(
                $"The network's Parameters span has {actual} elements, but its description ({description.Name}) has {description.ParameterCount} parameters.",
                "network");
        }
    }

    private static string ListExpected(NetworkDescription description)
    {
        var names = new List<string>();
        foreach (LayerDescription layer in description.Layers)
        {
            names.Add(layer.WeightKey);
            if (layer.HasBias)
            {
                names.Add(BiasKey(layer));
            }
        }
        return ListNames(names);
    }

    private static string ListNames(IEnumerable<string> names)
    {
        const int Shown = 12;
        var text = new StringBuilder();
        int count = 0;
        foreach (string name in names)
        {
            if (count < Shown)
            {
                text.Append(count == 0 ? "" : ", ").Append('\'').Append(name).Append('\'');
            }
            count++;
        }
        if (count == 0)
        {
            return "no tensors";
        }
        if (count > Shown)
        {
            text.Append(", ... (").Append(count).Append(" in all)");
        }
        return text.ToString();
    }
}
