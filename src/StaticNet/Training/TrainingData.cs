using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// In-memory samples for <see cref="Trainer{T}"/>: a row-major input matrix <c>[Count x InputSize]</c>
/// and, per row, either a class label or a target vector <c>[Count x TargetSize]</c>.
/// </summary>
/// <remarks>
/// The arrays are used as given, not copied: do not change them while a trainer uses the data.
/// Every value is checked once, on construction: inputs and targets must be finite, labels non-negative.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>, the network's precision.</typeparam>
public sealed class TrainingData<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _inputs;
    private readonly int[]? _labels;
    private readonly T[]? _targets;
    private readonly int[]? _classes;

    private TrainingData(T[] inputs, int inputSize, int[]? labels, T[]? targets, int targetSize, int[]? classes)
    {
        _inputs = inputs;
        _labels = labels;
        _targets = targets;
        _classes = classes;
        InputSize = inputSize;
        TargetSize = targetSize;
        Count = inputs.Length / inputSize;
    }

    /// <summary>Samples with class labels (for cross-entropy, or a 0/1 label for a single output).</summary>
    /// <param name="inputs">Row-major inputs, <c>labels.Length * inputSize</c> values.</param>
    /// <param name="labels">Class index of each row, from 0.</param>
    /// <param name="inputSize">Values per input row (the network's input width).</param>
    /// <exception cref="ArgumentException">The lengths disagree, a value is not finite or a label is negative.</exception>
    public static TrainingData<T> FromLabels(T[] inputs, int[] labels, int inputSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        int count = CheckInputs(inputs, inputSize);
        if (labels.Length != count)
        {
            throw new ArgumentException(
                $"{nameof(inputs)} has {count} rows of {inputSize} values, but {nameof(labels)} has {labels.Length} labels.",
                nameof(labels));
        }
        for (int row = 0; row < labels.Length; row++)
        {
            if (labels[row] < 0)
            {
                throw new ArgumentException($"The label of row {row} is {labels[row]}; labels must be non-negative class indices.", nameof(labels));
            }
        }
        return new TrainingData<T>(inputs, inputSize, labels, null, 0, labels);
    }

    /// <summary>
    /// Samples with target vectors (one-hot rows for a classifier, or any values for regression).
    /// </summary>
    /// <param name="inputs">Row-major inputs, <c>count * inputSize</c> values.</param>
    /// <param name="targets">Row-major targets, <c>count * targetSize</c> values.</param>
    /// <param name="inputSize">Values per input row (the network's input width).</param>
    /// <param name="targetSize">Values per target row (the network's output width).</param>
    /// <exception cref="ArgumentException">The lengths disagree or a value is not finite.</exception>
    public static TrainingData<T> FromTargets(T[] inputs, T[] targets, int inputSize, int targetSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        int count = CheckInputs(inputs, inputSize);
        if (targetSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, "The target width must be at least 1.");
        }
        if ((long)count * targetSize != targets.Length)
        {
            throw new ArgumentException(
                $"{nameof(inputs)} has {count} rows of {inputSize} values, so {nameof(targets)} needs {(long)count * targetSize} values ({count} rows of {targetSize}), but it has {targets.Length}.",
                nameof(targets));
        }
        CheckFinite(targets, targetSize, nameof(targets));
        return new TrainingData<T>(inputs, inputSize, null, targets, targetSize, ClassesOf(targets, targetSize));
    }

    /// <summary>Number of samples (rows).</summary>
    public int Count { get; }

    /// <summary>Values per input row.</summary>
    public int InputSize { get; }

    /// <summary>Values per target row, or 0 when the samples have <see cref="Labels"/>.</summary>
    public int TargetSize { get; }

    /// <summary>Whether the samples have class labels (<see cref="FromLabels"/>) rather than target vectors.</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>
    /// Whether every sample names a class, so that accuracy is defined: labels, one-hot target rows,
    /// or 0/1 targets of width 1.
    /// </summary>
    public bool IsClassification => _classes is not null;

    /// <summary>All inputs, row-major.</summary>
    public ReadOnlySpan<T> Inputs => _inputs;

    /// <summary>The class labels, or empty when the samples have targets.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>All targets, row-major, or empty when the samples have labels.</summary>
    public ReadOnlySpan<T> Targets => _targets;

    /// <summary>The input row <paramref name="row"/>.</summary>
    public ReadOnlySpan<T> Input(int row) => _inputs.AsSpan(row * InputSize, InputSize);

    /// <summary>The class each row names (label, or index of the 1 in a one-hot target), or null.</summary>
    internal int[]? Classes => _classes;

    internal int[]? LabelArray => _labels;

    internal T[]? TargetArray => _targets;

    /// <summary>
    /// Splits the samples at random into a training part and a held-out validation part.
    /// Each part keeps the original order of its rows.
    /// </summary>
    /// <param name="validationFraction">Share of the rows held out, in (0, 1); rounded to whole rows.</param>
    /// <param name="seed">Seed of the <see cref="SeededRandom"/> that picks the held-out rows.</param>
    /// <returns>The rows kept for training and the rows held out.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Either part would be empty.</exception>
    public (TrainingData<T> Training, TrainingData<T> Validation) Split(double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Must be strictly between 0 and 1.");
        }
        int validationCount = (int)Math.Round(validationFraction * Count, MidpointRounding.AwayFromZero);
        if (validationCount < 1 || validationCount > Count - 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(validationFraction), validationFraction,
                $"Holding out {validationFraction} of {Count} rows leaves {validationCount} validation and {Count - validationCount} training rows; both must be at least 1.");
        }

        int[] rows = new int[Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = i;
        }
        new SeededRandom(seed).Shuffle(rows.AsSpan());
        Span<int> validation = rows.AsSpan(0, validationCount);
        Span<int> training = rows.AsSpan(validationCount);
        validation.Sort();
        training.Sort();
        return (Select(training), Select(validation));
    }

    /// <summary>A copy of the given rows, in the given order.</summary>
    internal TrainingData<T> Select(ReadOnlySpan<int> rows)
    {
        var inputs = new T[rows.Length * InputSize];
        for (int i = 0; i < rows.Length; i++)
        {
            Input(rows[i]).CopyTo(inputs.AsSpan(i * InputSize, InputSize));
        }

        if (_labels is not null)
        {
            var labels = new int[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                labels[i] = _labels[rows[i]];
            }
            return new TrainingData<T>(inputs, InputSize, labels, null, 0, labels);
        }

        var targets = new T[rows.Length * TargetSize];
        int[]? classes = _classes is null ? null : new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            _targets.AsSpan(rows[i] * TargetSize, TargetSize).CopyTo(targets.AsSpan(i * TargetSize, TargetSize));
            if (classes is not null)
            {
                classes[i] = _classes![rows[i]];
            }
        }
        return new TrainingData<T>(inputs, InputSize, null, targets, TargetSize, classes);
    }

    private static int CheckInputs(T[] inputs, int inputSize)
    {
        if (inputSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The input width must be at least 1.");
        }
        if (inputs.Length == 0)
        {
            throw new ArgumentException("There are no samples: the input array is empty.", nameof(inputs));
        }
        if (inputs.Length % inputSize != 0)
        {
            throw new ArgumentException(
                $"{nameof(inputs)} has {inputs.Length} values, which is not a whole number of rows of {inputSize}.",
                nameof(inputs));
        }
        CheckFinite(inputs, inputSize, nameof(inputs));
        return inputs.Length / inputSize;
    }

    private static void CheckFinite(T[] values, int rowWidth, string parameterName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"{parameterName} row {i / rowWidth}, column {i % rowWidth} is {values[i]}; every value must be finite.",
                    parameterName);
            }
        }
    }

    /// <summary>Classes named by one-hot rows, or 0/1 values of width 1; null if some row names none.</summary>
    private static int[]? ClassesOf(T[] targets, int targetSize)
    {
        int count = targets.Length / targetSize;
        var classes = new int[count];
        for (int row = 0; row < count; row++)
        {
            ReadOnlySpan<T> target = targets.AsSpan(row * targetSize, targetSize);
            if (targetSize == 1)
            {
                if (target[0] == T.Zero)
                {
                    classes[row] = 0;
                }
                else if (target[0] == T.One)
                {
                    classes[row] = 1;
                }
                else
                {
                    return null;
                }
                continue;
            }

            int hot = -1;
            for (int j = 0; j < target.Length; j++)
            {
                if (target[j] == T.One && hot < 0)
                {
                    hot = j;
                }
                else if (target[j] != T.Zero)
                {
                    return null;
                }
            }
            if (hot < 0)
            {
                return null;
            }
            classes[row] = hot;
        }
        return classes;
    }
}
