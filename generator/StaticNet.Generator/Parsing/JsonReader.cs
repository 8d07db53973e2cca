using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis.Text;

namespace StaticNet.Generator.Parsing;

/// <summary>Thrown by <see cref="JsonReader"/> with the position of the offending character.</summary>
internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, TextSpan span) : base(message) => Span = span;

    public TextSpan Span { get; }
}

/// <summary>
/// A small recursive-descent JSON reader that keeps the position of every value. It accepts what
/// appsettings.json accepts beyond strict JSON: <c>//</c> and <c>/* */</c> comments and trailing commas.
/// The generator depends on nothing but Roslyn, so this replaces System.Text.Json.
/// </summary>
internal sealed class JsonReader
{
    private const int MaxDepth = 64;

    private readonly string _text;
    private readonly CancellationToken _cancellationToken;
    private int _position;

    private JsonReader(string text, CancellationToken cancellationToken)
    {
        _text = text;
        _cancellationToken = cancellationToken;
    }

    public static JsonNode Parse(string text, CancellationToken cancellationToken = default)
    {
        var reader = new JsonReader(text, cancellationToken);
        reader.SkipTrivia();
        if (reader._position == 0 && text.Length > 0 && text[0] == '\uFEFF')
        {
            reader._position = 1;
            reader.SkipTrivia();
        }
        JsonNode root = reader.ReadValue(0);
        reader.SkipTrivia();
        if (reader._position < text.Length)
        {
            throw reader.Error($"unexpected '{text[reader._position]}' after the end of the document");
        }
        return root;
    }

    private JsonNode ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"nesting deeper than {MaxDepth} levels");
        }
        if (_position >= _text.Length)
        {
            throw Error("unexpected end of file, expected a value");
        }

        char c = _text[_position];
        switch (c)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
                int start = _position;
                string value = ReadString();
                return new JsonString(TextSpan.FromBounds(start, _position), value);
            case 't':
                return ReadLiteral("true", span => new JsonBoolean(span, true));
            case 'f':
                return ReadLiteral("false", span => new JsonBoolean(span, false));
            case 'n':
                return ReadLiteral("null", span => new JsonNull(span));
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ReadNumber();
                }
                throw Error($"unexpected '{c}', expected a value (object, array, string, number, true, false or null)");
        }
    }

    private JsonObject ReadObject(int depth)
    {
        int start = _position;
        _position++; // {
        var properties = new List<JsonProperty>();
        while (true)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            SkipTrivia();
            if (_position >= _text.Length)
            {
                throw Error("unexpected end of file inside an object, expected '}'");
            }
            if (_text[_position] == '}')
            {
                _position++;
                return new JsonObject(TextSpan.FromBounds(start, _position), properties);
            }
            if (_text[_position] != '"')
            {
                throw Error($"unexpected '{_text[_position]}', expected a property name in double quotes or '}}'");
            }

            int nameStart = _position;
            string name = ReadString();
            var nameSpan = TextSpan.FromBounds(nameStart, _position);
            SkipTrivia();
            if (_position >= _text.Length || _text[_position] != ':')
            {
                throw Error($"expected ':' after property name \"{name}\"");
            }
            _position++;
            SkipTrivia();
            JsonNode value = ReadValue(depth + 1);
            properties.Add(new JsonProperty(name, nameSpan, value));

            SkipTrivia();
            if (_position < _text.Length && _text[_position] == ',')
            {
                _position++;
                continue; // a trailing comma before '}' is accepted
            }
            if (_position < _text.Length && _text[_position] == '}')
            {
                continue;
            }
            throw Error(_position >= _text.Length
                ? "unexpected end of file inside an object, expected ',' or '}'"
                : $"unexpected '{_text[_position]}', expected ',' or '}}'");
        }
    }

    private JsonArray ReadArray(int depth)
    {
        int start = _position;
        _position++; // [
        var items = new List<JsonNode>();
        while (true)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            SkipTrivia();
            if (_position >= _text.Length)
            {
                throw Error("unexpected end of file inside an array, expected ']'");
            }
            if (_text[_position] == ']')
            {
                _position++;
                return new JsonArray(TextSpan.FromBounds(start, _position), items);
            }

            items.Add(ReadValue(depth + 1));
            SkipTrivia();
            if (_position < _text.Length && _text[_position] == ',')
            {
                _position++;
                continue;
            }
            if (_position < _text.Length && _text[_position] == ']')
            {
                continue;
            }
            throw Error(_position >= _text.Length
                ? "unexpected end of file inside an array, expected ',' or ']'"
                : $"unexpected '{_text[_position]}', expected ',' or ']'");
        }
    }

    private string ReadString()
    {
        int start = _position;
        _position++; // opening quote
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw new JsonSyntaxException("unterminated string", TextSpan.FromBounds(start, _position));
            }
            char c = _text[_position];
            if (c == '"')
            {
                _position++;
                return builder.ToString();
            }
            if (c == '\n' || c == '\r')
            {
                throw new JsonSyntaxException("unterminated string (line break inside a string)", TextSpan.FromBounds(start, _position));
            }
            if (c == '\\')
            {
                if (_position + 1 >= _text.Length)
                {
                    throw new JsonSyntaxException("unterminated string", TextSpan.FromBounds(start, _position));
                }
                char escape = _text[_position + 1];
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (_position + 6 > _text.Length
                            || !ushort.TryParse(_text.Substring(_position + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
                        {
                            throw new JsonSyntaxException("invalid \\u escape, expected four hexadecimal digits", new TextSpan(_position, Math.Min(6, _text.Length - _position)));
                        }
                        builder.Append((char)code);
                        _position += 4;
                        break;
                    default:
                        throw new JsonSyntaxException($"invalid escape '\\{escape}'", new TextSpan(_position, 2));
                }
                _position += 2;
                continue;
            }
            builder.Append(c);
            _position++;
        }
    }

    private JsonNumber ReadNumber()
    {
        int start = _position;
        if (_text[_position] == '-')
        {
            _position++;
        }
        int digitsStart = _position;
        SkipDigits();
        if (_position == digitsStart)
        {
            throw Error("expected a digit after '-'");
        }
        if (_text[digitsStart] == '0' && _position - digitsStart > 1)
        {
            throw new JsonSyntaxException("numbers may not have leading zeros", TextSpan.FromBounds(start, _position));
        }
        if (_position < _text.Length && _text[_position] == '.')
        {
            _position++;
            int fractionStart = _position;
            SkipDigits();
            if (_position == fractionStart)
            {
                throw Error("expected a digit after the decimal point");
            }
        }
        if (_position < _text.Length && (_text[_position] == 'e' || _text[_position] == 'E'))
        {
            _position++;
            if (_position < _text.Length && (_text[_position] == '+' || _text[_position] == '-'))
            {
                _position++;
            }
            int exponentStart = _position;
            SkipDigits();
            if (_position == exponentStart)
            {
                throw Error("expected a digit in the exponent");
            }
        }

        string text = _text.Substring(start, _position - start);
        // .NET Framework (Visual Studio's compiler host) throws on overflow where .NET Core returns infinity.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }
        return new JsonNumber(TextSpan.FromBounds(start, _position), text, value);
    }

    private JsonNode ReadLiteral(string literal, Func<TextSpan, JsonNode> create)
    {
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
        {
            int end = _position;
            while (end < _text.Length && char.IsLetterOrDigit(_text[end]))
            {
                end++;
            }
            string word = _text.Substring(_position, Math.Max(1, end - _position));
            throw new JsonSyntaxException($"unexpected '{word}', expected a value (strings need double quotes)", TextSpan.FromBounds(_position, Math.Max(_position + 1, end)));
        }
        int start = _position;
        _position += literal.Length;
        return create(TextSpan.FromBounds(start, _position));
    }

    private void SkipDigits()
    {
        while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
        {
            _position++;
        }
    }

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            {
                _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
            {
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    _position++;
                }
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '*')
            {
                int start = _position;
                int end = _text.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new JsonSyntaxException("unterminated /* comment", new TextSpan(start, 2));
                }
                _position = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private JsonSyntaxException Error(string message) =>
        new(message, new TextSpan(Math.Min(_position, _text.Length), _position < _text.Length ? 1 : 0));
}
