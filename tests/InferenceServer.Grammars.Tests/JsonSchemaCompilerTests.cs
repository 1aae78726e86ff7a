using System.Text;
using InferenceServer.Grammars.Ir;
using InferenceServer.Grammars.JsonSchema;
using InferenceServer.Grammars.Matching;
using Validator = Json.Schema.JsonSchema;

namespace InferenceServer.Grammars.Tests;

public sealed class JsonSchemaCompilerTests
{
    public static TheoryData<string> Schemas() => new(
        """{"type": "object", "properties": {"name": {"type": "string", "maxLength": 6}, "age": {"type": "integer"}, "ok": {"type": "boolean"}}, "required": ["name", "age"], "additionalProperties": false}""",
        """{"type": "object", "properties": {"a": {"type": "null"}, "b": {"type": "number"}, "c": {"enum": ["x", 2, true, null, {"k": "é"}]}}}""",
        """{"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 4}""",
        """{"type": "array", "items": {"const": "yes"}, "maxItems": 0}""",
        """{"anyOf": [{"type": "string", "minLength": 2, "maxLength": 3}, {"type": ["integer", "null"]}]}""",
        """{"oneOf": [{"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number"}}, "required": ["kind", "r"]}, {"type": "boolean"}]}""",
        """{"$defs": {"node": {"type": "object", "properties": {"v": {"type": "integer"}, "next": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]}}, "required": ["v", "next"]}}, "$ref": "#/$defs/node"}""",
        """{"type": "object", "title": "annotations are fine", "description": "d", "properties": {"any": true, "list": {"type": "array"}}, "required": ["any"]}""");

    // Single bytes plus JSON pieces, so tokens cross the grammar's rule boundaries as real vocabularies do.
    private static readonly List<byte[]?> Vocabulary = BuildVocabulary();

    private static List<byte[]?> BuildVocabulary()
    {
        var tokens = new List<byte[]?>();
        for (int b = 0; b < 256; b++) tokens.Add([(byte)b]);
        foreach (var p in new[] { "{\"", "\":", "\",\"", "\"}", "true", "null", "false", "},", "[1", "12", "\"é", "é", "😀", "\\u00e9", "\\n" })
            tokens.Add(Encoding.UTF8.GetBytes(p));
        return tokens;
    }

    private static string Generate(Grammar grammar, Random rng)
    {
        var trie = new TokenTrie(Vocabulary);
        var mask = new ulong[TokenMask.Words(Vocabulary.Count)];
        var matcher = new EarleyMatcher(grammar);
        var text = new List<byte>();
        for (int step = 0; step < 400; step++)
        {
            if (matcher.IsAccepting && (step > 30 || rng.Next(5) == 0)) break;
            TokenMask.Compute(matcher, trie, mask);
            var allowed = Enumerable.Range(0, Vocabulary.Count).Where(id => TokenMask.Allows(mask, id)).ToList();
            Assert.True(allowed.Count > 0 || matcher.IsAccepting, $"dead end after '{Encoding.UTF8.GetString([.. text])}'");
            if (allowed.Count == 0) break;
            // Later on, closing bytes are preferred so the document ends.
            var closing = allowed.Where(id => Vocabulary[id]!.All(b => "\"]}0123456789nulltrue,".Contains((char)b, StringComparison.Ordinal))).ToList();
            var pool = step > 20 && closing.Count > 0 ? closing : allowed;
            byte[] token = Vocabulary[pool[rng.Next(pool.Count)]]!;
            Assert.True(matcher.TryAdvance(token));
            text.AddRange(token);
        }
        Assert.True(matcher.IsAccepting, $"not finished: '{Encoding.UTF8.GetString([.. text])}'");
        return Encoding.UTF8.GetString([.. text]);
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Every_document_the_grammar_lets_through_validates_against_the_schema(string schema)
    {
        var grammar = JsonSchemaCompiler.Compile(schema);
        var validator = Validator.FromText(schema);
        var rng = new Random(schema.Length);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 15; i++)
        {
            string document = Generate(grammar, rng);
            seen.Add(document);
            using var parsed = System.Text.Json.JsonDocument.Parse(document);
            var result = validator.Evaluate(parsed.RootElement);
            Assert.True(result.IsValid, $"{document} does not validate against {schema}");
        }
        // A constraint that let only one document through would prove little.
        Assert.True(seen.Count > 1 || schema.Contains("\"maxItems\": 0", StringComparison.Ordinal), $"only {string.Join(" | ", seen)}");
    }

    [Theory]
    [InlineData("""{"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}""", """{"n":5}""", true)]
    [InlineData("""{"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}""", """{}""", false)]
    [InlineData("""{"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}""", """{"n":5.5}""", false)]
    [InlineData("""{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}""", """{"b":1}""", true)]
    [InlineData("""{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}""", """{"a":1,"b":2}""", true)]
    [InlineData("""{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}""", """{,"b":2}""", false)]
    [InlineData("""{"type": "string", "minLength": 2, "maxLength": 2}""", "\"é😀\"", true)]
    [InlineData("""{"type": "string", "minLength": 2, "maxLength": 2}""", "\"abc\"", false)]
    [InlineData("""{"type": "string"}""", "\"tab\\tquote\\\"u\\u00e9\"", true)]
    [InlineData("""{"type": "string"}""", "\"raw\u0001control\"", false)]
    [InlineData("""{"type": "number"}""", "-0.25e+10", true)]
    [InlineData("""{"type": "number"}""", "01", false)]
    [InlineData("""{"type": "array", "items": {"type": "boolean"}, "minItems": 1}""", "[]", false)]
    [InlineData("""{"type": "array", "items": {"type": "boolean"}, "minItems": 1}""", "[true,false]", true)]
    public void Documents_are_accepted_exactly_as_the_schema_and_compact_json_say(string schema, string document, bool accepted) =>
        Assert.Equal(accepted, EarleyMatcher.Accepts(JsonSchemaCompiler.Compile(schema), Encoding.UTF8.GetBytes(document)));

    [Theory]
    [InlineData("""{"type": "string", "pattern": "^a+$"}""", "keyword 'pattern'", "/pattern")]
    [InlineData("""{"type": "string", "format": "date"}""", "keyword 'format'", "/format")]
    [InlineData("""{"type": "integer", "minimum": 3}""", "keyword 'minimum'", "/minimum")]
    [InlineData("""{"properties": {"a": {"type": "object", "additionalProperties": {"type": "string"}}}}""", "additionalProperties with a schema", "/properties/a/additionalProperties")]
    [InlineData("""{"type": "object", "properties": {"a/b": {"uniqueItems": true}}}""", "keyword 'uniqueItems'", "/properties/a~1b/uniqueItems")]
    [InlineData("""{"type": "thing"}""", "unknown type 'thing'", "/type")]
    [InlineData("""{"$ref": "https://example.com/s.json"}""", "must point into", "/$ref")]
    [InlineData("""{"type": "object", "required": ["ghost"]}""", "'ghost' has no schema", "/required")]
    [InlineData("""{"type": "array", "minItems": 3, "maxItems": 2}""", "below minItems", "/maxItems")]
    [InlineData("""{"type": "object",""", "not valid JSON", "")]
    public void What_is_not_enforced_is_refused_with_its_pointer(string schema, string problem, string pointer)
    {
        var e = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaCompiler.Compile(schema));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Equal(pointer, e.Pointer);
    }
}
