namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>Macros with defaults, extra arguments, call blocks with caller(), and filter blocks.</summary>
public sealed class MacroTests
{
    [Theory]
    [InlineData("{% macro tag(name, value='v', sep=none) %}<{{ name }}={{ value }}{{ sep }}>{% endmacro %}{{ tag('a') }}{{ tag('b', 2) }}{{ tag('c', sep='!') }}", "<a=vNone><b=2None><c=v!>")]
    [InlineData("{% macro m(a) %}{{ a }}|{{ varargs }}|{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }}", "1|(2, 3)|{'x': 4}")]
    [InlineData("{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m() }}", "[]")]
    [InlineData("{% macro wrap(x) %}<{{ caller(x) }}>{% endmacro %}{% call(y) wrap(5) %}got {{ y }}{% endcall %}", "<got 5>")]
    [InlineData("{% macro render(c) %}{% if c is string %}{{ c }}{% else %}{% for p in c %}{{ p.text }}{% endfor %}{% endif %}{% endmacro %}{{ render('s') }}{{ render([{'text': 'a'}, {'text': 'b'}]) }}", "sab")]
    [InlineData("{% filter upper %}hello {{ text }}{% endfilter %}", "HELLO HELLO WORLD")]
    [InlineData("{% macro m() %}{% set x = 9 %}{{ x }}{% endmacro %}{% set x = 1 %}{{ m() }}{{ x }}", "91")]
    public void Macros_like_jinja2(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));
}
