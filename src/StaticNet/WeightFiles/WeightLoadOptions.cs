namespace StaticNet;

/// <summary>How strictly <see cref="WeightFile.Load{T}(INetwork{T}, string, WeightLoadOptions?)"/> matches a file to a network.</summary>
public sealed class WeightLoadOptions
{
    /// <summary>The defaults: every tensor in the file must belong to the network; the topology hash is not checked.</summary>
    public static WeightLoadOptions Default { get; } = new();

    /// <summary>
    /// Ignore tensors the network has no use for (for example a file saved from a larger PyTorch model).
    /// Default false: an unexpected tensor is an error, because it usually means the file belongs to a
    /// different network.
    /// </summary>
    public bool AllowUnexpectedTensors { get; init; }

    /// <summary>
    /// Require the file's <c>staticnet.topology_hash</c> metadata to equal the network's
    /// <see cref="NetworkDescription.TopologyHash"/>. Default false: tensor names and shapes decide,
    /// so that files written by PyTorch (which carry no hash) load, and a file saved from a network with
    /// the same shapes but, say, another activation loads too.
    /// </summary>
    public bool RequireMatchingTopologyHash { get; init; }
}
