using System.Runtime.CompilerServices;

// Tests inject write failures into the atomic file replacement (AtomicFile's stream hook).
[assembly: InternalsVisibleTo("StaticNet.Onnx.Tests")]
