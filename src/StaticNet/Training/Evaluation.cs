namespace StaticNet;

/// <summary>Loss and accuracy of a network on a data set.</summary>
/// <param name="Loss">Mean per-sample loss (the network's training loss), or NaN for a network that is not trainable.</param>
/// <param name="Accuracy">Share of samples classified right, or null if the data does not name classes.</param>
/// <param name="Count">Number of samples.</param>
public readonly record struct Evaluation(double Loss, double? Accuracy, int Count);
