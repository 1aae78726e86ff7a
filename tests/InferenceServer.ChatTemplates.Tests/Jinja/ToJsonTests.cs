namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>Hugging Face's tojson is json.dumps: ", " and ": " separators, insertion order kept, non-ASCII kept, control characters escaped.</summary>
public sealed class ToJsonTests
{
    [Theory]
    [InlineData("{{ cfg|tojson }}", "{\"b\": 2, \"a\": 1}")]
    [InlineData("{{ users[2]|tojson }} {{ [1, 2.5, 1.0, none, true, 'x']|tojson }} {{ {}|tojson }} {{ []|tojson }}", "{\"name\": \"cy\", \"age\": 40} [1, 2.5, 1.0, null, true, \"x\"] {} []")]
    [InlineData("{{ 'Olá 你好 👋 <tag> & \\'q\\''|tojson }}", "\"Olá 你好 👋 <tag> & 'q'\"")]
    [InlineData("{{ 'a\"b\\\\c\\nd\\te\\x01\\x7f'|tojson }}", "\"a\\\"b\\\\c\\nd\\te\\u0001\u007f\"")]
    [InlineData("{{ 'é👋'|tojson(ensure_ascii=true) }}", "\"\\u00e9\\ud83d\\udc4b\"")]
    [InlineData("{{ {'z': [1, {'y': 2}], 'e': [], 'o': {}}|tojson(indent=2) }}", "{\n  \"z\": [\n    1,\n    {\n      \"y\": 2\n    }\n  ],\n  \"e\": [],\n  \"o\": {}\n}")]
    [InlineData("{{ [1, [2]]|tojson(indent='\\t') }}|{{ {'a': 1}|tojson(indent=0) }}", "[\n\t1,\n\t[\n\t\t2\n\t]\n]|{\n\"a\": 1\n}")]
    [InlineData("{{ cfg|tojson(sort_keys=true) }} {{ cfg|tojson(separators=(',', ':')) }} {{ {1: 'int key', none: 'n'}|tojson }}", "{\"a\": 1, \"b\": 2} {\"b\":2,\"a\":1} {\"1\": \"int key\", \"null\": \"n\"}")]
    public void Dumps_like_python_json(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));
}
