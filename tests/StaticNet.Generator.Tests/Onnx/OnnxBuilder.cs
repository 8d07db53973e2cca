using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace StaticNet.Generator.Tests.Onnx;

/// <summary>
/// Writes ONNX models in the protobuf wire format (field numbers of onnx/onnx.proto), so tests can build
/// the graphs torch.onnx.export writes, and the ones it does not, without PyTorch or a protobuf library.
/// </summary>
internal sealed class OnnxBuilder
{
    public const int FloatType = 1, DoubleType = 11, Int64Type = 7;

    private readonly List<Action<ProtoWriter>> _nodes = new();
    private readonly List<Action<ProtoWriter>> _initializers = new();
    private readonly List<Action<ProtoWriter>> _inputs = new();
    private readonly List<Action<ProtoWriter>> _outputs = new();
    private readonly long _opset;

    public OnnxBuilder(long opset = 17) => _opset = opset;

    /// <summary>A graph input of shape [batch, width] (width null: symbolic).</summary>
    public OnnxBuilder Input(string name, int? width, int elemType = FloatType)
    {
        _inputs.Add(w => ValueInfo(w, name, elemType, width));
        return this;
    }

    public OnnxBuilder Output(string name, int elemType = FloatType)
    {
        _outputs.Add(w => ValueInfo(w, name, elemType, null));
        return this;
    }

    public OnnxBuilder Initializer(string name, long[] dims, double[] values, int dataType = FloatType, bool raw = true)
    {
        _initializers.Add(w => Tensor(w, name, dims, values, dataType, raw));
        return this;
    }

    public OnnxBuilder Node(string opType, string name, string[] inputs, string[] outputs, params Attr[] attributes)
    {
        _nodes.Add(w =>
        {
            foreach (string input in inputs)
            {
                w.String(1, input);
            }
            foreach (string output in outputs)
            {
                w.String(2, output);
            }
            w.String(3, name);
            w.String(4, opType);
            foreach (Attr attribute in attributes)
            {
                w.Message(5, attribute.Write);
            }
        });
        return this;
    }

    /// <summary>A Constant node holding a scalar tensor, as torch exports the numbers of the GELU pattern.</summary>
    public OnnxBuilder Constant(string output, double value, int dataType = FloatType) =>
        Node("Constant", output + "_node", Array.Empty<string>(), new[] { output },
            new Attr("value", w => { w.Message(5, t => Tensor(t, "", Array.Empty<long>(), new[] { value }, dataType, true)); w.Varint(20, 4); }));

    public byte[] Build(Action<ProtoWriter>? extraModelFields = null)
    {
        var model = new ProtoWriter();
        model.Varint(1, 8);                                 // ir_version
        model.String(2, "pytorch");                          // producer_name
        model.Message(8, w => { w.String(1, ""); w.Varint(2, (ulong)_opset); });
        model.Message(7, graph =>
        {
            foreach (Action<ProtoWriter> node in _nodes)
            {
                graph.Message(1, node);
            }
            graph.String(2, "main_graph");
            foreach (Action<ProtoWriter> initializer in _initializers)
            {
                graph.Message(5, initializer);
            }
            foreach (Action<ProtoWriter> input in _inputs)
            {
                graph.Message(11, input);
            }
            foreach (Action<ProtoWriter> output in _outputs)
            {
                graph.Message(12, output);
            }
        });
        extraModelFields?.Invoke(model);
        return model.ToArray();
    }

    public static void Tensor(ProtoWriter w, string name, long[] dims, double[] values, int dataType, bool raw)
    {
        if (dims.Length > 0)
        {
            w.Message(1, packed => { foreach (long dim in dims) { packed.RawVarint((ulong)dim); } });
        }
        w.Varint(2, (ulong)dataType);
        if (name.Length > 0)
        {
            w.String(8, name);
        }
        if (raw)
        {
            var bytes = new List<byte>();
            foreach (double value in values)
            {
                bytes.AddRange(dataType switch
                {
                    DoubleType => BitConverter.GetBytes(value),
                    Int64Type => BitConverter.GetBytes((long)value),
                    _ => BitConverter.GetBytes((float)value),
                });
            }
            w.Bytes(9, bytes.ToArray());
        }
        else if (dataType == DoubleType)
        {
            w.Message(10, packed => { foreach (double value in values) { packed.RawBytes(BitConverter.GetBytes(value)); } });
        }
        else
        {
            w.Message(4, packed => { foreach (double value in values) { packed.RawBytes(BitConverter.GetBytes((float)value)); } });
        }
    }

    private static void ValueInfo(ProtoWriter w, string name, int elemType, int? width)
    {
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, (ulong)elemType);
            tensor.Message(2, shape =>
            {
                shape.Message(1, dim => dim.String(2, "batch"));
                shape.Message(1, dim => { if (width is { } value) { dim.Varint(1, (ulong)value); } else { dim.String(2, "features"); } });
            });
        }));
    }

    /// <summary>An AttributeProto.</summary>
    public sealed class Attr
    {
        private readonly string _name;
        private readonly Action<ProtoWriter> _value;

        public Attr(string name, Action<ProtoWriter> value)
        {
            _name = name;
            _value = value;
        }

        public static Attr Int(string name, long value) => new(name, w => { w.Varint(3, (ulong)value); w.Varint(20, 2); });

        public static Attr Float(string name, float value) => new(name, w => { w.Fixed32(2, value); w.Varint(20, 1); });

        public static Attr String(string name, string value) => new(name, w => { w.String(4, value); w.Varint(20, 3); });

        public void Write(ProtoWriter w)
        {
            w.String(1, _name);
            _value(w);
        }
    }
}

/// <summary>The protobuf wire format: tags, varints, fixed 32-bit values and length-delimited fields.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _stream = new();

    public void Varint(int field, ulong value)
    {
        RawVarint((ulong)field << 3);
        RawVarint(value);
    }

    public void Fixed32(int field, float value)
    {
        RawVarint(((ulong)field << 3) | 5);
        RawBytes(BitConverter.GetBytes(value));
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, byte[] value)
    {
        RawVarint(((ulong)field << 3) | 2);
        RawVarint((ulong)value.Length);
        RawBytes(value);
    }

    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Bytes(field, inner.ToArray());
    }

    public void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _stream.WriteByte((byte)value);
    }

    public void RawBytes(byte[] bytes) => _stream.Write(bytes, 0, bytes.Length);

    public byte[] ToArray() => _stream.ToArray();
}
