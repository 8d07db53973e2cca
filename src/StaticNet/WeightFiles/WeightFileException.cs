using System;
using System.IO;

namespace StaticNet;

/// <summary>
/// A weight file (safetensors) is malformed or does not fit the network it is loaded into.
/// </summary>
/// <remarks>
/// <para>
/// It derives from <see cref="IOException"/> so that one <c>catch (IOException)</c> around a load covers
/// every reason a weight file cannot be used: a missing or unreadable file (the framework's own
/// <see cref="FileNotFoundException"/>, <see cref="UnauthorizedAccessException"/> is separate) as well as
/// bad contents. Errors of the underlying stream (a failing disk, a closed stream) are not wrapped: they
/// surface as the stream threw them.
/// </para>
/// <para>
/// The message always names the file (or <c>&lt;stream&gt;</c>), and where a tensor is at fault, the tensor
/// and what was expected versus what the file holds. A load that throws leaves the network unchanged.
/// </para>
/// </remarks>
public class WeightFileException : IOException
{
    /// <summary>Creates an exception with a default message.</summary>
    public WeightFileException()
        : base("The weight file is invalid.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public WeightFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public WeightFileException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Creates an exception for a problem in <paramref name="fileName"/>; the message becomes
    /// <c>Weight file 'fileName': detail</c>.
    /// </summary>
    /// <param name="fileName">Path of the file, or <c>&lt;stream&gt;</c>.</param>
    /// <param name="tensorName">The tensor at fault, or null when the problem is not about one tensor.</param>
    /// <param name="detail">What is wrong: what was expected and what was found.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public WeightFileException(string fileName, string? tensorName, string detail, Exception? innerException = null)
        : base($"Weight file '{fileName}': {detail}", innerException)
    {
        FileName = fileName;
        TensorName = tensorName;
    }

    /// <summary>Path of the offending file, <c>&lt;stream&gt;</c> for a stream, or null if unknown.</summary>
    public string? FileName { get; }

    /// <summary>Name of the offending tensor, or null when the problem is not about one tensor.</summary>
    public string? TensorName { get; }
}
