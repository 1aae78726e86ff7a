namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>for loops: the loop variable, filtering, else, break/continue, unpacking, recursion.</summary>
public sealed class LoopTests
{
    [Theory]
    [InlineData("{% for m in messages %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.length }} {% endfor %}", "10323 21213 32103 ")]
    [InlineData("{% for m in messages %}{{ loop.first }}/{{ loop.last }} {% endfor %}", "True/False False/False False/True ")]
    [InlineData("{% for i in items %}{{ loop.previtem is defined and loop.previtem }}-{{ loop.nextitem is defined and loop.nextitem }} {% endfor %}", "False-1 3-2 1-False ")]
    [InlineData("{% for i in range(10) if i is odd %}{{ i }}@{{ loop.index }}{{ ',' if not loop.last }}{% endfor %}", "1@1,3@2,5@3,7@4,9@5")]
    [InlineData("{% for i in empty %}x{% else %}none{% endfor %}", "none")]
    [InlineData("{% for i in items if i > 5 %}x{% else %}none{% endfor %}", "none")]
    [InlineData("{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}", "0134")]
    [InlineData("{% for a in [[1, 2], [3, 4]] %}{% for b in a %}{% if b == 2 %}{% break %}{% endif %}{{ b }}{% endfor %};{% endfor %}", "1;34;")]
    [InlineData("{% for k, v in cfg.items() %}{{ k }}={{ v }};{% endfor %}", "b=2;a=1;")]
    [InlineData("{% for k in cfg %}{{ k }}{% endfor %}", "ba")]
    [InlineData("{% for c in 'ab' %}{{ c }}.{% endfor %}", "a.b.")]
    [InlineData("{% for i in items %}{{ loop.cycle('x', 'y') }}{% endfor %}", "xyx")]
    [InlineData("{% for a in [[1, 2], [3]] %}{% for b in a %}{{ loop.index }}{% endfor %}{{ loop.index }}|{% endfor %}", "121|12|")]
    [InlineData("{% for x in undefined_name %}x{% endfor %}done", "done")]
    [InlineData("{% for m in messages[::-1] %}{{ m.role[0] }}{% endfor %}", "aus")]
    [InlineData("{% for t in [{'n': 'a', 'c': [{'n': 'b', 'c': []}]}] recursive %}{{ t.n }}{{ loop.depth }}({{ loop(t.c) }}){% endfor %}", "a1(b2())")]
    public void Loops_like_jinja2(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));
}
