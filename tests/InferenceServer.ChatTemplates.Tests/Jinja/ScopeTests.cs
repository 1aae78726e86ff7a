namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>Jinja2 scoping: set inside a loop stays in the loop, which is why templates carry state in namespace().</summary>
public sealed class ScopeTests
{
    [Theory]
    [InlineData("{% set x = 1 %}{% for i in items %}{% set x = x + i %}{{ x }},{% endfor %}{{ x }}", "4,2,3,1")]
    [InlineData("{% set ns = namespace(total=0) %}{% for i in items %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}", "6")]
    [InlineData("{% set ns = namespace() %}{% set ns.found = false %}{% for m in messages if m.role == 'user' %}{% set ns.found = true %}{% endfor %}{{ ns.found }}", "True")]
    [InlineData("{% if flag %}{% set x = 'set in if' %}{% endif %}{{ x }}", "set in if")]
    [InlineData("{% set messages = messages[1:] %}{{ messages|length }}", "2")]
    [InlineData("{% set a, b = 1, 2 %}{{ a }}{{ b }}", "12")]
    [InlineData("{% set block %}Hi {{ text }}{% endset %}[{{ block }}]", "[Hi Hello World]")]
    [InlineData("{% set shout | upper %}quiet{% endset %}{{ shout }}", "QUIET")]
    [InlineData("{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]", "3[]")]
    [InlineData("{% for i in items %}{% set inner = i %}{% endfor %}[{{ inner }}]", "[]")]
    [InlineData("{% set y = 1 %}{% macro show() %}{{ y }}{% endmacro %}{% set y = 2 %}{{ show() }}", "2")]
    public void Scopes_like_jinja2(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));
}
