using System.Runtime.CompilerServices;

// Tests inject write failures into WeightFile's atomic save (AtomicFile's stream hook).
[assembly: InternalsVisibleTo("StaticNet.Tests")]
