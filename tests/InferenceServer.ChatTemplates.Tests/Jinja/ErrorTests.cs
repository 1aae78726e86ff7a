using InferenceServer.ChatTemplates.Jinja;

namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>raise_exception keeps the template's exact message; syntax errors name their line; unknown filters and tests name themselves.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void Raise_exception_carries_exactly_the_templates_message()
    {
        var e = Assert.Throws<TemplateRaisedException>(() =>
            Jinja.Render("{% for m in messages %}\n{% if m.role == 'user' %}{{ raise_exception('Bad role: ' ~ m.role ~ '!') }}{% endif %}\n{% endfor %}"));
        Assert.Equal("Bad role: user!", e.Message);
    }

    [Fact]
    public void Raise_exception_inside_a_macro_is_not_rewrapped()
    {
        var e = Assert.Throws<TemplateRaisedException>(() =>
            Jinja.Render("{% macro check(x) %}{{ raise_exception(x) }}{% endmacro %}\n\n{{ check('macro said no') }}"));
        Assert.Equal("macro said no", e.Message);
    }

    [Theory]
    [InlineData("line one\n{% if flag %}\n{% for x in items %}\n{% endif %}", 4, "Encountered unknown tag 'endif'. You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for 'endfor' or 'else'. The innermost block that needs to be closed is 'for'.")]
    [InlineData("{% if flag %}\n\nno end", 2, "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.")]
    [InlineData("a\nb\n{{ 1 + }}", 3, "unexpected 'end of print statement'")]
    [InlineData("ok\n{{ x ", 2, "unexpected end of template, expected 'end of print statement'.")]
    [InlineData("{# never closed", 1, "Missing end of comment tag")]
    [InlineData("\n{{ (1 ] }}", 2, "unexpected ']', expected ')'")]
    [InlineData("{% set 1 = 2 %}", 1, "can't assign to 'const'")]
    [InlineData("\n\n{% frobnicate %}", 3, "Encountered unknown tag 'frobnicate'.")]
    [InlineData("{% break %}", 1, "'break' outside loop")]
    [InlineData("{% macro m(a=1, b) %}{% endmacro %}", 1, "non-default argument follows default argument")]
    public void Syntax_errors_give_the_line_and_jinja2s_wording(string template, int line, string problem)
    {
        var e = Assert.Throws<TemplateSyntaxException>(() => JinjaTemplate.Parse(template));
        Assert.Equal(line, e.Line);
        Assert.Equal(problem, e.Problem);
        Assert.Equal($"line {line}: {problem}", e.Message);
    }

    [Fact]
    public void An_unknown_filter_is_named_when_the_template_is_parsed()
    {
        var e = Assert.Throws<TemplateSyntaxException>(() => JinjaTemplate.Parse("hello\n{{ text | shout }}"));
        Assert.Equal(2, e.Line);
        Assert.Equal("No filter named 'shout'.", e.Problem);
    }

    [Fact]
    public void An_unknown_test_is_named_when_the_template_is_parsed()
    {
        var e = Assert.Throws<TemplateSyntaxException>(() => JinjaTemplate.Parse("{% for x in items %}{{ x is prime }}{% endfor %}"));
        Assert.Equal("No test named 'prime'.", e.Problem);
    }

    [Fact]
    public void Under_an_if_an_unknown_filter_fails_only_when_reached_as_in_jinja2()
    {
        Assert.Equal("ok", Jinja.Render("{% if 'shout' is filter %}{{ text|shout }}{% endif %}ok"));
        var e = Assert.Throws<TemplateRuntimeException>(() => Jinja.Render("{% if flag %}\n{{ text|shout }}{% endif %}"));
        Assert.Equal("No filter named 'shout' found.", e.Problem);
        Assert.Equal(2, e.Line);
    }

    [Theory]
    [InlineData("{{ undefined_name.attr }}", 1, "'undefined_name' is undefined")]
    [InlineData("{{ cfg.missing.attr }}", 1, "'dict object' has no attribute 'missing'")]
    [InlineData("\n{{ 'a' + 1 }}", 2, "can only concatenate str (not \"int\") to str")]
    [InlineData("{{ 1 + 'a' }}", 1, "unsupported operand type(s) for +: 'int' and 'str'")]
    [InlineData("{% for x in n %}{% endfor %}", 1, "'NoneType' object is not iterable")]
    [InlineData("{{ 1 / 0 }}", 1, "division by zero")]
    [InlineData("{{ 'x' < 1 }}", 1, "'<' not supported between instances of 'str' and 'int'")]
    [InlineData("{{ text() }}", 1, "'str' object is not callable")]
    [InlineData("{{ undefined_name|tojson }}", 1, "Object of type Undefined is not JSON serializable")]
    [InlineData("{% set q = 1 %}{% set q.a = 2 %}", 1, "cannot assign attribute on non-namespace object")]
    [InlineData("{% set a, b = [1] %}", 1, "not enough values to unpack (expected 2, got 1)")]
    [InlineData("{{ ''.join(['a', 1]) }}", 1, "sequence item 1: expected str instance, int found")]
    public void Runtime_errors_use_python_and_jinja2_wording_with_the_line(string template, int line, string problem)
    {
        var e = Assert.Throws<TemplateRuntimeException>(() => Jinja.Render(template));
        Assert.Equal(problem, e.Problem);
        Assert.Equal(line, e.Line);
    }

    [Fact]
    public void Templates_cannot_load_other_templates()
    {
        var e = Assert.Throws<TemplateSyntaxException>(() => JinjaTemplate.Parse("{% include 'other.jinja' %}"));
        Assert.Contains("include", e.Problem, StringComparison.Ordinal);
    }
}
