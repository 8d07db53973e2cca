using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Compute;

/// <summary>
/// The losses of one sample and their gradient with respect to the output layer's pre-activation z, written once
/// for generated networks: each adds nothing to the caller's state, returns the sample's loss and writes dloss/dz
/// to <c>delta</c>. The rows hold <c>n</c> values: z, a = f(z), the target t and delta.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Losses
{
    /// <summary>
    /// Cross-entropy of softmax(z) against the target distribution t (z are logits):
    /// loss = sum_j t_j (logsumexp(z) - z_j), dloss/dz_j = softmax(z)_j * sum(t) - t_j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T CrossEntropy<T>(ref T z, ref T t, int n, ref T delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = z;
        for (int j = 1; j < n; j++)
        {
            max = T.Max(max, Unsafe.Add(ref z, j));
        }
        T total = T.Zero;
        for (int j = 0; j < n; j++)
        {
            T e = T.Exp(Unsafe.Add(ref z, j) - max);
            Unsafe.Add(ref delta, j) = e;
            total += e;
        }
        T logSumExp = max + T.Log(total);
        T loss = T.Zero;
        T targetSum = T.Zero;
        for (int j = 0; j < n; j++)
        {
            T tj = Unsafe.Add(ref t, j);
            loss += tj * (logSumExp - Unsafe.Add(ref z, j));
            targetSum += tj;
        }
        T scale = targetSum / total;
        for (int j = 0; j < n; j++)
        {
            ref T d = ref Unsafe.Add(ref delta, j);
            d = d * scale - Unsafe.Add(ref t, j);
        }
        return loss;
    }

    /// <summary>
    /// <see cref="CrossEntropy"/> from the softmax a already computed: logsumexp(z) = max z - log(a at the max), and a
    /// there is at least 1/n, so nothing underflows; dloss/dz_j = a_j * sum(t) - t_j.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T CrossEntropyOfSoftmax<T>(ref T z, ref T a, ref T t, int n, ref T delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = z;
        int argmax = 0;
        for (int j = 1; j < n; j++)
        {
            if (Unsafe.Add(ref z, j) > max)
            {
                max = Unsafe.Add(ref z, j);
                argmax = j;
            }
        }
        T logSumExp = max - T.Log(Unsafe.Add(ref a, argmax));
        T loss = T.Zero;
        T targetSum = T.Zero;
        for (int j = 0; j < n; j++)
        {
            T tj = Unsafe.Add(ref t, j);
            loss += tj * (logSumExp - Unsafe.Add(ref z, j));
            targetSum += tj;
        }
        for (int j = 0; j < n; j++)
        {
            Unsafe.Add(ref delta, j) = Unsafe.Add(ref a, j) * targetSum - Unsafe.Add(ref t, j);
        }
        return loss;
    }

    /// <summary>
    /// Binary cross-entropy of the sigmoid outputs a, averaged over the outputs (logs clamped at -100 like PyTorch);
    /// fused with the sigmoid, dloss/dz = (a - t) / n.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BinaryCrossEntropy<T>(ref T a, ref T t, int n, ref T delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T floor = T.CreateTruncating(-100);
        T count = T.CreateTruncating(n);
        T loss = T.Zero;
        for (int j = 0; j < n; j++)
        {
            T aj = Unsafe.Add(ref a, j);
            T tj = Unsafe.Add(ref t, j);
            loss -= tj * T.Max(T.Log(aj), floor) + (T.One - tj) * T.Max(T.Log(T.One - aj), floor);
            Unsafe.Add(ref delta, j) = (aj - tj) / count;
        }
        return loss / count;
    }

    /// <summary>
    /// Mean squared error over the outputs of an element-wise activation: dloss/da = 2 (a - t) / n, times da/dz.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MeanSquaredError<T, TActivation>(ref T z, ref T a, ref T t, int n, ref T delta, T alpha)
        where T : unmanaged, IFloatingPointIeee754<T> where TActivation : struct, IActivation<T>
    {
        T twoOverN = T.CreateTruncating(2.0 / n);
        T loss = T.Zero;
        for (int j = 0; j < n; j++)
        {
            T difference = Unsafe.Add(ref a, j) - Unsafe.Add(ref t, j);
            loss += difference * difference;
            T d = twoOverN * difference;
            if (typeof(TActivation) != typeof(Identity))
            {
                d *= TActivation.Derivative(Unsafe.Add(ref z, j), Unsafe.Add(ref a, j), alpha);
            }
            Unsafe.Add(ref delta, j) = d;
        }
        return loss / T.CreateTruncating(n);
    }

    /// <summary>Mean squared error of softmax outputs, through the softmax Jacobian: dz_j = a_j (da_j - sum_k da_k a_k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MeanSquaredErrorOfSoftmax<T>(ref T a, ref T t, int n, ref T delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T twoOverN = T.CreateTruncating(2.0 / n);
        T loss = T.Zero;
        for (int j = 0; j < n; j++)
        {
            T difference = Unsafe.Add(ref a, j) - Unsafe.Add(ref t, j);
            loss += difference * difference;
            Unsafe.Add(ref delta, j) = twoOverN * difference;
        }
        loss /= T.CreateTruncating(n);
        T dot = T.Zero;
        for (int j = 0; j < n; j++)
        {
            dot += Unsafe.Add(ref delta, j) * Unsafe.Add(ref a, j);
        }
        for (int j = 0; j < n; j++)
        {
            ref T d = ref Unsafe.Add(ref delta, j);
            d = Unsafe.Add(ref a, j) * (d - dot);
        }
        return loss;
    }
}
