using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using InferenceServer.Grammars.Ir;

namespace InferenceServer.Grammars.JsonSchema;

/// <summary>
/// Compiles a JSON Schema to a grammar of compact JSON (no whitespace, properties in schema order) that only valid
/// documents satisfy. Enforced: <c>type</c> (and lists of types), <c>properties</c>, <c>required</c>,
/// <c>additionalProperties: false</c> (and, absent or true, no extra properties are generated: still valid),
/// <c>enum</c>, <c>const</c>, <c>anyOf</c>, <c>oneOf</c> (as anyOf), <c>items</c>, <c>minItems</c>/<c>maxItems</c>,
/// <c>minLength</c>/<c>maxLength</c>, <c>$ref</c> to <c>#/$defs/...</c> or <c>#/definitions/...</c> (recursion
/// allowed). Annotations (title, description, default, examples, $schema, $id, $comment) are ignored. Any other
/// keyword is an <see cref="UnsupportedSchemaException"/> naming it and its JSON pointer.
/// </summary>
public sealed class JsonSchemaCompiler
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal) { "title", "description", "default", "examples", "$schema", "$id", "$comment", "$defs", "definitions" };
    private static readonly JsonSerializerOptions LiteralJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly GrammarBuilder _builder = new();
    private readonly JsonElement _root;
    private readonly Dictionary<string, int> _refs = new(StringComparer.Ordinal);
    private GrammarElement? _string, _char, _integer, _number, _anyValue;

    private JsonSchemaCompiler(JsonElement root) => _root = root;

    /// <summary>The grammar of the documents <paramref name="schema"/> allows (a subset of them where noted above).</summary>
    public static Grammar Compile(JsonElement schema)
    {
        var compiler = new JsonSchemaCompiler(schema);
        int root = compiler._builder.RuleId("root");
        compiler._builder.Define(root, [[compiler.Value(schema, "")]]);
        return compiler._builder.Build("root");
    }

    /// <summary>Compiles schema text; malformed JSON is an <see cref="UnsupportedSchemaException"/> at the root.</summary>
    public static Grammar Compile(string schema)
    {
        try
        {
            using var document = JsonDocument.Parse(schema);
            return Compile(document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new UnsupportedSchemaException($"the schema is not valid JSON: {e.Message}", "");
        }
    }

    private GrammarElement Value(JsonElement schema, string pointer)
    {
        if (schema.ValueKind == JsonValueKind.True) return AnyValue();
        if (schema.ValueKind == JsonValueKind.False) throw new UnsupportedSchemaException("a false schema allows nothing", pointer);
        if (schema.ValueKind != JsonValueKind.Object) throw new UnsupportedSchemaException($"a schema must be an object or a boolean, found {schema.ValueKind}", pointer);
        foreach (var property in schema.EnumerateObject())
            if (!Annotations.Contains(property.Name) && !Handled.Contains(property.Name))
                throw new UnsupportedSchemaException($"keyword '{property.Name}' is not supported", $"{pointer}/{Escape(property.Name)}");
        if (schema.TryGetProperty("$ref", out var reference)) return Ref(reference, $"{pointer}/$ref");
        if (schema.TryGetProperty("const", out var constant)) return Literal(JsonSerializer.Serialize(constant, LiteralJson));
        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0) throw new UnsupportedSchemaException("enum must be a non-empty array", $"{pointer}/enum");
            return _builder.Helper("enum", [.. values.EnumerateArray().Select(v => (IReadOnlyList<GrammarElement>)[Literal(JsonSerializer.Serialize(v, LiteralJson))])]);
        }
        foreach (string key in new[] { "anyOf", "oneOf" })
        {
            if (!schema.TryGetProperty(key, out var options)) continue;
            if (options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0) throw new UnsupportedSchemaException($"{key} must be a non-empty array", $"{pointer}/{key}");
            return _builder.Helper(key, [.. options.EnumerateArray().Select((o, i) => (IReadOnlyList<GrammarElement>)[Value(o, $"{pointer}/{key}/{i}")])]);
        }
        if (!schema.TryGetProperty("type", out var type)) return Untyped(schema, pointer);
        if (type.ValueKind == JsonValueKind.Array)
            return _builder.Helper("types", [.. type.EnumerateArray().Select((t, i) => (IReadOnlyList<GrammarElement>)[Typed(t.GetString() ?? "", schema, pointer, $"{pointer}/type/{i}")])]);
        return Typed(type.GetString() ?? "", schema, pointer, $"{pointer}/type");
    }

    private static readonly HashSet<string> Handled = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "enum", "const", "anyOf", "oneOf", "items", "minItems", "maxItems",
        "minLength", "maxLength", "$ref",
    };

    // No type: properties or items imply one; otherwise any JSON value.
    private GrammarElement Untyped(JsonElement schema, string pointer) =>
        schema.TryGetProperty("properties", out _) ? Object(schema, pointer)
        : schema.TryGetProperty("items", out _) ? Array(schema, pointer)
        : AnyValue();

    private GrammarElement Typed(string type, JsonElement schema, string pointer, string typePointer) => type switch
    {
        "object" => Object(schema, pointer),
        "array" => Array(schema, pointer),
        "string" => StringOf(schema, pointer),
        "integer" => Integer(),
        "number" => Number(),
        "boolean" => _builder.Helper("boolean", [Literal("true")], [Literal("false")]),
        "null" => Literal("null"),
        _ => throw new UnsupportedSchemaException($"unknown type '{type}'", typePointer),
    };

    private GrammarElement Object(JsonElement schema, string pointer)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var names))
            foreach (var name in names.EnumerateArray()) required.Add(name.GetString() ?? "");
        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new UnsupportedSchemaException("additionalProperties with a schema is not supported yet", $"{pointer}/additionalProperties");
        var properties = new List<(IReadOnlyList<GrammarElement> Pair, bool Required)>();
        var declaredNames = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("properties", out var declared))
        {
            foreach (var p in declared.EnumerateObject())
            {
                declaredNames.Add(p.Name);
                properties.Add(([.. Bytes(JsonSerializer.Serialize(p.Name, LiteralJson) + ":"), Value(p.Value, $"{pointer}/properties/{Escape(p.Name)}")], required.Contains(p.Name)));
            }
        }
        if (required.FirstOrDefault(name => !declaredNames.Contains(name)) is { } undeclared)
            throw new UnsupportedSchemaException($"required property '{undeclared}' has no schema in properties", $"{pointer}/required");
        // Rest[i]: properties i.. after at least one was written (each then needs a comma); First[i]: the first one
        // written is property i or a later one. Properties come in schema order; optional ones may be left out.
        int n = properties.Count;
        var rest = new GrammarElement[n + 1];
        var first = new GrammarElement[n + 1];
        rest[n] = _builder.Helper("object", GrammarBuilder.Epsilon);
        first[n] = rest[n];
        for (int i = n - 1; i >= 0; i--)
        {
            var (pair, isRequired) = properties[i];
            IReadOnlyList<GrammarElement> withComma = [Byte(','), .. pair, rest[i + 1]];
            IReadOnlyList<GrammarElement> starting = [.. pair, rest[i + 1]];
            rest[i] = isRequired ? _builder.Helper("object", withComma) : _builder.Helper("object", withComma, [rest[i + 1]]);
            first[i] = isRequired ? _builder.Helper("object", starting) : _builder.Helper("object", starting, [first[i + 1]]);
        }
        return _builder.Helper("object", [Byte('{'), first[0], Byte('}')]);
    }

    private GrammarElement Array(JsonElement schema, string pointer)
    {
        var item = schema.TryGetProperty("items", out var items) ? Value(items, $"{pointer}/items") : AnyValue();
        int min = Count(schema, "minItems", pointer) ?? 0;
        int? max = Count(schema, "maxItems", pointer);
        if (max < min) throw new UnsupportedSchemaException("maxItems is below minItems", $"{pointer}/maxItems");
        var separated = _builder.Helper("array", [Byte(','), item]);
        var body = new List<GrammarElement>();
        if (min > 0)
        {
            body.Add(item);
            body.AddRange(Repeat(separated, min - 1, max is { } m ? m - 1 : null));
        }
        else if (max != 0)
        {
            var tail = Repeat(separated, 0, max is { } m ? m - 1 : null);
            body.Add(_builder.Helper("array", [item, .. tail], []));
        }
        return _builder.Helper("array", [Byte('['), .. body, Byte(']')]);
    }

    private GrammarElement StringOf(JsonElement schema, string pointer)
    {
        int min = Count(schema, "minLength", pointer) ?? 0;
        int? max = Count(schema, "maxLength", pointer);
        if (min == 0 && max is null) return StringRule();
        if (max < min) throw new UnsupportedSchemaException("maxLength is below minLength", $"{pointer}/maxLength");
        return _builder.Helper("string", [Byte('"'), .. Repeat(CharRule(), min, max), Byte('"')]);
    }

    private List<GrammarElement> Repeat(GrammarElement x, int min, int? max) => _builder.Repeat("repeat", [x], min, max);

    private static int? Count(JsonElement schema, string keyword, string pointer)
    {
        if (!schema.TryGetProperty(keyword, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n) || n < 0 || n > 10_000)
            throw new UnsupportedSchemaException($"{keyword} must be an integer in [0, 10000]", $"{pointer}/{keyword}");
        return n;
    }

    private GrammarElement Ref(JsonElement reference, string pointer)
    {
        string target = reference.GetString() ?? "";
        if (_refs.TryGetValue(target, out int known)) return GrammarElement.RuleRef(known);
        string[] parts = target.Split('/');
        if (parts.Length != 3 || parts[0] != "#" || parts[1] is not ("$defs" or "definitions")
            || !_root.TryGetProperty(parts[1], out var defs) || !defs.TryGetProperty(parts[2].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out var definition))
            throw new UnsupportedSchemaException($"$ref '{target}' must point into #/$defs or #/definitions of this schema", pointer);
        int id = _builder.FreshRule("ref");
        _refs[target] = id;
        _builder.Define(id, [[Value(definition, target[1..])]]);
        return GrammarElement.RuleRef(id);
    }

    private GrammarElement StringRule() => _string ??= _builder.Helper("string", [Byte('"'), .. Repeat(CharRule(), 0, null), Byte('"')]);

    private GrammarElement CharRule()
    {
        if (_char is { } c) return c;
        var plain = Utf8.Utf8Sequences.Of(0x20, 0x10FFFF)
            .SelectMany(s => s.Length == 1 ? SplitAscii(s[0]) : [s]).ToList();
        var hex = _builder.Helper("hex", [GrammarElement.Bytes((byte)'0', (byte)'9')], [GrammarElement.Bytes((byte)'a', (byte)'f')], [GrammarElement.Bytes((byte)'A', (byte)'F')]);
        var escapes = "\"\\/bfnrt".Select(e => (IReadOnlyList<GrammarElement>)[Byte('\\'), Byte(e)])
            .Append([Byte('\\'), Byte('u'), hex, hex, hex, hex]);
        _char = _builder.Helper("char", [.. plain.Select(s => (IReadOnlyList<GrammarElement>)s), .. escapes]);
        return _char.Value;
    }

    // The ASCII part of a character minus '"' and '\', which need escapes.
    private static IEnumerable<GrammarElement[]> SplitAscii(GrammarElement range)
    {
        int low = range.Low;
        foreach (byte excluded in new[] { (byte)'"', (byte)'\\' })
        {
            if (excluded < low || excluded > range.High) continue;
            if (excluded > low) yield return [GrammarElement.Bytes((byte)low, (byte)(excluded - 1))];
            low = excluded + 1;
        }
        if (low <= range.High) yield return [GrammarElement.Bytes((byte)low, range.High)];
    }

    private GrammarElement Integer() => _integer ??= _builder.Helper("integer",
        [.. Optional(Byte('-')), Byte('0')],
        [.. Optional(Byte('-')), GrammarElement.Bytes((byte)'1', (byte)'9'), .. Repeat(GrammarElement.Bytes((byte)'0', (byte)'9'), 0, 15)]);

    private GrammarElement Number()
    {
        if (_number is { } n) return n;
        var digit = GrammarElement.Bytes((byte)'0', (byte)'9');
        var fraction = _builder.Helper("fraction", [Byte('.'), digit, .. Repeat(digit, 0, 15)], []);
        var sign = _builder.Helper("sign", [Byte('+')], [Byte('-')], []);
        var exponent = _builder.Helper("exponent", [_builder.Helper("e", [Byte('e')], [Byte('E')]), sign, digit, .. Repeat(digit, 0, 2)], []);
        _number = _builder.Helper("number", [Integer(), fraction, exponent]);
        return _number.Value;
    }

    // Any JSON value (for "true" schemas and untyped ones), compact.
    private GrammarElement AnyValue()
    {
        if (_anyValue is { } any) return any;
        int value = _builder.FreshRule("any");
        _anyValue = GrammarElement.RuleRef(value);
        var v = _anyValue.Value;
        var member = _builder.Helper("any", [StringRule(), Byte(':'), v]);
        var obj = _builder.Helper("any", [Byte('{'), _builder.Helper("any", [member, .. Repeat(_builder.Helper("any", [Byte(','), member]), 0, null)], []), Byte('}')]);
        var arr = _builder.Helper("any", [Byte('['), _builder.Helper("any", [v, .. Repeat(_builder.Helper("any", [Byte(','), v]), 0, null)], []), Byte(']')]);
        _builder.Define(value, [[obj], [arr], [StringRule()], [Number()], [Literal("true")], [Literal("false")], [Literal("null")]]);
        return v;
    }

    private IEnumerable<GrammarElement> Optional(GrammarElement x) => [_builder.Helper("optional", [x], [])];

    private GrammarElement Literal(string text) => _builder.Helper("literal", [.. Bytes(text)]);

    private static IEnumerable<GrammarElement> Bytes(string text) => Encoding.UTF8.GetBytes(text).Select(GrammarElement.Byte);

    private static GrammarElement Byte(char c) => GrammarElement.Byte((byte)c);

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
