using System;
using System.Collections.Generic;
using System.Text;

namespace StaticNet.Generator.Parsing;

/// <summary>Thrown with a message that says why an ONNX file cannot be read.</summary>
internal sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string message) : base(message)
    {
    }
}

/// <summary>The parts of an ONNX <c>ModelProto</c> that importing a dense network needs.</summary>
internal sealed class OnnxModel
{
    public long IrVersion { get; set; }

    /// <summary>The default-domain ("" or "ai.onnx") operator set version, or 0 when the model imports none.</summary>
    public long Opset { get; set; }

    public OnnxGraph Graph { get; set; } = new();
}

/// <summary>An ONNX <c>GraphProto</c>: nodes in topological order, initializers, inputs and outputs.</summary>
internal sealed class OnnxGraph
{
    public string Name { get; set; } = "";

    public List<OnnxNode> Nodes { get; } = new();

    public List<OnnxTensor> Initializers { get; } = new();

    public List<OnnxValueInfo> Inputs { get; } = new();

    public List<OnnxValueInfo> Outputs { get; } = new();
}

/// <summary>An ONNX <c>NodeProto</c>.</summary>
internal sealed class OnnxNode
{
    public List<string> Inputs { get; } = new();

    public List<string> Outputs { get; } = new();

    public string Name { get; set; } = "";

    public string OpType { get; set; } = "";

    public string Domain { get; set; } = "";

    public List<OnnxAttribute> Attributes { get; } = new();

    /// <summary>The name for messages: the node's name, else its first output, else its operator.</summary>
    public string DisplayName => Name.Length > 0 ? Name : Outputs.Count > 0 && Outputs[0].Length > 0 ? Outputs[0] : OpType;

    public OnnxAttribute? Attribute(string name)
    {
        foreach (OnnxAttribute attribute in Attributes)
        {
            if (attribute.Name == name)
            {
                return attribute;
            }
        }
        return null;
    }
}

/// <summary>An ONNX <c>AttributeProto</c>; only the single-value kinds and lists of numbers are kept.</summary>
internal sealed class OnnxAttribute
{
    public string Name { get; set; } = "";

    /// <summary>AttributeProto.AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, ...</summary>
    public int Type { get; set; }

    public float F { get; set; }

    public long I { get; set; }

    public byte[]? S { get; set; }

    public OnnxTensor? T { get; set; }

    public List<float> Floats { get; } = new();

    public List<long> Ints { get; } = new();

    public string StringValue => S is null ? "" : Encoding.UTF8.GetString(S);
}

/// <summary>An ONNX <c>TensorProto</c> with its numbers decoded to doubles.</summary>
internal sealed class OnnxTensor
{
    public const int Float = 1, Int32 = 6, Int64 = 7, Float16 = 10, Double = 11;

    public string Name { get; set; } = "";

    public List<long> Dims { get; } = new();

    /// <summary>TensorProto.DataType: 1 FLOAT, 6 INT32, 7 INT64, 10 FLOAT16, 11 DOUBLE, ...</summary>
    public int DataType { get; set; }

    public double[] Values { get; set; } = Array.Empty<double>();

    public long ElementCount
    {
        get
        {
            // Saturates at -1 instead of overflowing: a crafted shape must not wrap to a small count.
            return SafeTensorsReader.TryGetElementCount(Dims, long.MaxValue, out long count) ? count : -1;
        }
    }

    public string ShapeText => SafeTensorsReader.FormatShape(Dims);

    public static string DataTypeName(int dataType) => dataType switch
    {
        0 => "UNDEFINED",
        1 => "FLOAT",
        2 => "UINT8",
        3 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        6 => "INT32",
        7 => "INT64",
        8 => "STRING",
        9 => "BOOL",
        10 => "FLOAT16",
        11 => "DOUBLE",
        12 => "UINT32",
        13 => "UINT64",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        16 => "BFLOAT16",
        _ => "type " + dataType,
    };
}

/// <summary>An ONNX <c>ValueInfoProto</c> of a tensor: name, element type and shape (null for a symbolic dimension).</summary>
internal sealed class OnnxValueInfo
{
    public string Name { get; set; } = "";

    /// <summary>TensorProto.DataType of the elements, or 0 when the type is not a tensor or not given.</summary>
    public int ElemType { get; set; }

    /// <summary>The dimensions, null where a dimension is symbolic (dim_param) or absent; null list when no shape is given.</summary>
    public List<long?>? Shape { get; set; }
}

/// <summary>
/// Reads the protobuf wire format of an ONNX model without a protobuf library: varints, fixed 32/64-bit values
/// and length-delimited fields, for just the messages and fields (numbers as in onnx/onnx.proto) that importing
/// a dense network needs. Unknown fields are skipped; every length is checked before it is used.
/// </summary>
internal static class OnnxReader
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;
    private const int MaxElements = 1 << 28;

    public static OnnxModel Read(byte[] bytes)
    {
        var model = new OnnxModel();
        bool hasGraph = false;
        var reader = new ProtoReader(bytes, 0, bytes.Length);
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, Varint):
                    model.IrVersion = (long)reader.ReadVarint();
                    break;
                case (7, LengthDelimited):
                    ReadGraph(reader.ReadMessage(), model.Graph);
                    hasGraph = true;
                    break;
                case (8, LengthDelimited):
                    ReadOpset(reader.ReadMessage(), model);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (!hasGraph)
        {
            throw new OnnxFormatException("it holds no graph (is it an ONNX model file?)");
        }
        return model;
    }

    private static void ReadOpset(ProtoReader reader, OnnxModel model)
    {
        string domain = "";
        long version = 0;
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, LengthDelimited):
                    domain = reader.ReadString();
                    break;
                case (2, Varint):
                    version = (long)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (domain.Length == 0 || domain == "ai.onnx")
        {
            model.Opset = version;
        }
    }

    private static void ReadGraph(ProtoReader reader, OnnxGraph graph)
    {
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, LengthDelimited):
                    graph.Nodes.Add(ReadNode(reader.ReadMessage()));
                    break;
                case (2, LengthDelimited):
                    graph.Name = reader.ReadString();
                    break;
                case (5, LengthDelimited):
                    graph.Initializers.Add(ReadTensor(reader.ReadMessage()));
                    break;
                case (11, LengthDelimited):
                    graph.Inputs.Add(ReadValueInfo(reader.ReadMessage()));
                    break;
                case (12, LengthDelimited):
                    graph.Outputs.Add(ReadValueInfo(reader.ReadMessage()));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
    }

    private static OnnxNode ReadNode(ProtoReader reader)
    {
        var node = new OnnxNode();
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, LengthDelimited):
                    node.Inputs.Add(reader.ReadString());
                    break;
                case (2, LengthDelimited):
                    node.Outputs.Add(reader.ReadString());
                    break;
                case (3, LengthDelimited):
                    node.Name = reader.ReadString();
                    break;
                case (4, LengthDelimited):
                    node.OpType = reader.ReadString();
                    break;
                case (5, LengthDelimited):
                    node.Attributes.Add(ReadAttribute(reader.ReadMessage()));
                    break;
                case (7, LengthDelimited):
                    node.Domain = reader.ReadString();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return node;
    }

    private static OnnxAttribute ReadAttribute(ProtoReader reader)
    {
        var attribute = new OnnxAttribute();
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, LengthDelimited):
                    attribute.Name = reader.ReadString();
                    break;
                case (2, Fixed32):
                    attribute.F = reader.ReadFloat();
                    break;
                case (3, Varint):
                    attribute.I = (long)reader.ReadVarint();
                    break;
                case (4, LengthDelimited):
                    attribute.S = reader.ReadBytes();
                    break;
                case (5, LengthDelimited):
                    attribute.T = ReadTensor(reader.ReadMessage());
                    break;
                case (7, LengthDelimited):
                    ProtoReader floats = reader.ReadMessage();
                    while (!floats.AtEnd)
                    {
                        attribute.Floats.Add(floats.ReadFloat());
                    }
                    break;
                case (7, Fixed32):
                    attribute.Floats.Add(reader.ReadFloat());
                    break;
                case (8, LengthDelimited):
                    ProtoReader ints = reader.ReadMessage();
                    while (!ints.AtEnd)
                    {
                        attribute.Ints.Add((long)ints.ReadVarint());
                    }
                    break;
                case (8, Varint):
                    attribute.Ints.Add((long)reader.ReadVarint());
                    break;
                case (20, Varint):
                    attribute.Type = (int)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return attribute;
    }

    private static OnnxTensor ReadTensor(ProtoReader reader)
    {
        var tensor = new OnnxTensor();
        var typed = new List<double>();
        byte[]? raw = null;
        bool external = false;
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, LengthDelimited):
                    ProtoReader dims = reader.ReadMessage();
                    while (!dims.AtEnd)
                    {
                        tensor.Dims.Add((long)dims.ReadVarint());
                    }
                    break;
                case (1, Varint):
                    tensor.Dims.Add((long)reader.ReadVarint());
                    break;
                case (2, Varint):
                    tensor.DataType = (int)reader.ReadVarint();
                    break;
                case (4, LengthDelimited):
                    ProtoReader floats = reader.ReadMessage();
                    while (!floats.AtEnd)
                    {
                        typed.Add(floats.ReadFloat());
                    }
                    break;
                case (4, Fixed32):
                    typed.Add(reader.ReadFloat());
                    break;
                case (5, LengthDelimited):
                case (7, LengthDelimited):
                    // int32_data (also float16 bits) and int64_data, packed.
                    bool halves = field == 5;
                    ProtoReader integers = reader.ReadMessage();
                    while (!integers.AtEnd)
                    {
                        long value = (long)integers.ReadVarint();
                        typed.Add(halves ? (double)(int)value : value);
                    }
                    break;
                case (5, Varint):
                    typed.Add((int)reader.ReadVarint());
                    break;
                case (7, Varint):
                    typed.Add((long)reader.ReadVarint());
                    break;
                case (8, LengthDelimited):
                    tensor.Name = reader.ReadString();
                    break;
                case (9, LengthDelimited):
                    raw = reader.ReadBytes();
                    break;
                case (10, LengthDelimited):
                    ProtoReader doubles = reader.ReadMessage();
                    while (!doubles.AtEnd)
                    {
                        typed.Add(doubles.ReadDouble());
                    }
                    break;
                case (10, Fixed64):
                    typed.Add(reader.ReadDouble());
                    break;
                case (13, LengthDelimited):
                    reader.Skip(wire);
                    external = true;
                    break;
                case (14, Varint):
                    external |= reader.ReadVarint() == 1;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        string name = tensor.Name.Length > 0 ? $"tensor '{tensor.Name}'" : "a tensor";
        if (external)
        {
            throw new OnnxFormatException($"{name} keeps its data in an external file, which StaticNet cannot read; export with the weights inside the model");
        }
        long count = 1;
        foreach (long dim in tensor.Dims)
        {
            if (dim < 0 || dim > MaxElements || (count *= dim) > MaxElements)
            {
                throw new OnnxFormatException($"{name} has an invalid or too large shape {tensor.ShapeText}");
            }
        }

        if (raw is not null)
        {
            tensor.Values = DecodeRaw(raw, tensor.DataType, name);
        }
        else if (tensor.DataType == OnnxTensor.Float16)
        {
            var values = new double[typed.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = SafeTensorsReader.HalfToDouble(unchecked((ushort)(int)typed[i]));
            }
            tensor.Values = values;
        }
        else
        {
            tensor.Values = typed.ToArray();
        }
        if (tensor.Values.Length != count)
        {
            throw new OnnxFormatException($"{name} has shape {tensor.ShapeText} ({count} elements) but holds {tensor.Values.Length} values");
        }
        return tensor;
    }

    private static double[] DecodeRaw(byte[] raw, int dataType, string name)
    {
        int size = dataType switch
        {
            OnnxTensor.Float or OnnxTensor.Int32 => 4,
            OnnxTensor.Double or OnnxTensor.Int64 => 8,
            OnnxTensor.Float16 => 2,
            _ => throw new OnnxFormatException($"{name} has element type {OnnxTensor.DataTypeName(dataType)}; StaticNet reads FLOAT, DOUBLE, FLOAT16, INT32 and INT64 tensors"),
        };
        if (raw.Length % size != 0)
        {
            throw new OnnxFormatException($"{name} has {raw.Length} bytes of raw data, not a whole number of {OnnxTensor.DataTypeName(dataType)} values");
        }
        if (!BitConverter.IsLittleEndian)
        {
            throw new OnnxFormatException("big-endian build machines are not supported");
        }
        var values = new double[raw.Length / size];
        for (int i = 0, at = 0; i < values.Length; i++, at += size)
        {
            values[i] = dataType switch
            {
                OnnxTensor.Float => BitConverter.ToSingle(raw, at),
                OnnxTensor.Double => BitConverter.ToDouble(raw, at),
                OnnxTensor.Int32 => BitConverter.ToInt32(raw, at),
                OnnxTensor.Int64 => BitConverter.ToInt64(raw, at),
                _ => SafeTensorsReader.HalfToDouble(BitConverter.ToUInt16(raw, at)),
            };
        }
        return values;
    }

    private static OnnxValueInfo ReadValueInfo(ProtoReader reader)
    {
        var info = new OnnxValueInfo();
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, LengthDelimited):
                    info.Name = reader.ReadString();
                    break;
                case (2, LengthDelimited):
                    ReadType(reader.ReadMessage(), info);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return info;
    }

    /// <summary>TypeProto: tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 { dim_value = 1, dim_param = 2 } } }.</summary>
    private static void ReadType(ProtoReader reader, OnnxValueInfo info)
    {
        while (reader.Next(out int field, out int wire))
        {
            if (field != 1 || wire != LengthDelimited)
            {
                reader.Skip(wire);
                continue;
            }
            ProtoReader tensorType = reader.ReadMessage();
            while (tensorType.Next(out int tensorField, out int tensorWire))
            {
                switch (tensorField, tensorWire)
                {
                    case (1, Varint):
                        info.ElemType = (int)tensorType.ReadVarint();
                        break;
                    case (2, LengthDelimited):
                        info.Shape = new List<long?>();
                        ProtoReader shape = tensorType.ReadMessage();
                        while (shape.Next(out int shapeField, out int shapeWire))
                        {
                            if (shapeField != 1 || shapeWire != LengthDelimited)
                            {
                                shape.Skip(shapeWire);
                                continue;
                            }
                            long? dimension = null;
                            ProtoReader dim = shape.ReadMessage();
                            while (dim.Next(out int dimField, out int dimWire))
                            {
                                if (dimField == 1 && dimWire == Varint)
                                {
                                    dimension = (long)dim.ReadVarint();
                                }
                                else
                                {
                                    dim.Skip(dimWire);
                                }
                            }
                            info.Shape.Add(dimension);
                        }
                        break;
                    default:
                        tensorType.Skip(tensorWire);
                        break;
                }
            }
        }
    }

    /// <summary>A cursor over one message's bytes, <c>[position, end)</c> of the file.</summary>
    private struct ProtoReader
    {
        private readonly byte[] _bytes;
        private readonly int _end;
        private int _position;

        public ProtoReader(byte[] bytes, int start, int end)
        {
            _bytes = bytes;
            _position = start;
            _end = end;
        }

        public bool AtEnd => _position >= _end;

        /// <summary>Reads the next field's tag; false at the end of the message.</summary>
        public bool Next(out int field, out int wire)
        {
            if (AtEnd)
            {
                field = wire = 0;
                return false;
            }
            int at = _position;
            ulong tag = ReadVarint();
            field = (int)Math.Min(tag >> 3, int.MaxValue);
            wire = (int)(tag & 7);
            if (field == 0)
            {
                throw new OnnxFormatException($"byte {at} holds field number 0, which protobuf does not allow: the file is not a valid ONNX model");
            }
            return true;
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _end)
                {
                    throw Truncated();
                }
                byte b = _bytes[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }
            throw new OnnxFormatException($"a varint at byte {_position} is longer than 10 bytes: the file is not a valid ONNX model");
        }

        public float ReadFloat()
        {
            Require(4);
            float value = BitConverter.ToSingle(_bytes, _position);
            _position += 4;
            return value;
        }

        public double ReadDouble()
        {
            Require(8);
            double value = BitConverter.ToDouble(_bytes, _position);
            _position += 8;
            return value;
        }

        public ProtoReader ReadMessage()
        {
            int length = ReadLength();
            var message = new ProtoReader(_bytes, _position, _position + length);
            _position += length;
            return message;
        }

        public byte[] ReadBytes()
        {
            int length = ReadLength();
            byte[] value = new byte[length];
            Array.Copy(_bytes, _position, value, 0, length);
            _position += length;
            return value;
        }

        public string ReadString()
        {
            int length = ReadLength();
            string value = Encoding.UTF8.GetString(_bytes, _position, length);
            _position += length;
            return value;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case Varint:
                    ReadVarint();
                    break;
                case Fixed64:
                    Require(8);
                    _position += 8;
                    break;
                case LengthDelimited:
                    int length = ReadLength();
                    _position += length;
                    break;
                case Fixed32:
                    Require(4);
                    _position += 4;
                    break;
                default:
                    throw new OnnxFormatException($"wire type {wire} before byte {_position} is not used by ONNX: the file is not a valid ONNX model");
            }
        }

        private int ReadLength()
        {
            ulong length = ReadVarint();
            if (length > (ulong)(_end - _position))
            {
                throw Truncated();
            }
            return (int)length;
        }

        private void Require(int count)
        {
            if (_end - _position < count)
            {
                throw Truncated();
            }
        }

        private OnnxFormatException Truncated() =>
            new($"a field at byte {_position} runs past the end of its message: the file is truncated or not an ONNX model");
    }
}
