using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Generator.Parsing;

/// <summary>A JSON value with the span of its text in the spec, so diagnostics can point at it.</summary>
internal abstract class JsonNode
{
    protected JsonNode(TextSpan span) => Span = span;

    public TextSpan Span { get; }

    /// <summary>How the value reads in a message: "a string", "a number", ...</summary>
    public abstract string KindDescription { get; }
}

internal sealed class JsonObject : JsonNode
{
    public JsonObject(TextSpan span, List<JsonProperty> properties) : base(span) => Properties = properties;

    public List<JsonProperty> Properties { get; }

    public override string KindDescription => "an object";
}

internal sealed class JsonProperty
{
    public JsonProperty(string name, TextSpan nameSpan, JsonNode value)
    {
        Name = name;
        NameSpan = nameSpan;
        Value = value;
    }

    public string Name { get; }

    public TextSpan NameSpan { get; }

    public JsonNode Value { get; }
}

internal sealed class JsonArray : JsonNode
{
    public JsonArray(TextSpan span, List<JsonNode> items) : base(span) => Items = items;

    public List<JsonNode> Items { get; }

    public override string KindDescription => "an array";
}

internal sealed class JsonString : JsonNode
{
    public JsonString(TextSpan span, string value) : base(span) => Value = value;

    public string Value { get; }

    public override string KindDescription => "a string";
}

internal sealed class JsonNumber : JsonNode
{
    public JsonNumber(TextSpan span, string text, double value) : base(span)
    {
        Text = text;
        Value = value;
    }

    /// <summary>The literal as written, for messages.</summary>
    public string Text { get; }

    public double Value { get; }

    public bool IsInteger => Value == System.Math.Floor(Value) && Text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0;

    public override string KindDescription => "a number";
}

internal sealed class JsonBoolean : JsonNode
{
    public JsonBoolean(TextSpan span, bool value) : base(span) => Value = value;

    public bool Value { get; }

    public override string KindDescription => "a boolean";
}

internal sealed class JsonNull : JsonNode
{
    public JsonNull(TextSpan span) : base(span)
    {
    }

    public override string KindDescription => "null";
}
