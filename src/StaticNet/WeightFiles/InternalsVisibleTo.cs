using System.Runtime.CompilerServices;

// Tests inject write failures into WeightFile's atomic save (AtomicFile's stream hook).
[assembly: InternalsVisibleTo("StaticNet.Tests")]

// The ONNX exporter saves models with the same atomic replacement as weight files.
[assembly: InternalsVisibleTo("StaticNet.Onnx")]
