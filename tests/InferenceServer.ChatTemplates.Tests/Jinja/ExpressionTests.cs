namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>Expressions with Python semantics: arithmetic, precedence, comparisons, membership, conditionals, subscripts and slices, literals, methods.</summary>
public sealed class ExpressionTests
{
    [Theory]
    [InlineData("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 2 ** 10 }}", "7 9 3 -4 2 3.5 2.0 1024")]
    [InlineData("{{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 0.1 + 0.2 }} {{ true + 1 }}", "64 4 0.30000000000000004 2")]
    [InlineData("{{ 'ab' ~ 1 ~ none ~ [1] }} {{ 'ab' * 2 }} {{ [1] * 2 }} {{ items + [4] }}", "ab1None[1] abab [1, 1] [3, 1, 2, 4]")]
    [InlineData("{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 1 == 1.0 }} {{ flag == 1 }} {{ [1, 2] == [1, 2] }} {{ (1, 2) == [1, 2] }}", "True False True True True False")]
    [InlineData("{{ 'ell' in text }} {{ 3 in items }} {{ 'a' in cfg }} {{ 5 not in items }} {{ 'x' not in 'xyz' }}", "True True True True False")]
    [InlineData("{{ not flag }} {{ flag and 'yes' }} {{ n or 'fallback' }} {{ 0 and 1 }} {{ [] or none }}", "False yes fallback 0 None")]
    [InlineData("{{ 'a' if flag else 'b' }} {{ 'a' if n else 'b' if flag else 'c' }} [{{ 'x' if n }}]", "a b []")]
    [InlineData("{{ not n is defined }} {{ not undefined_name is defined }} {{ n is none }}", "False True True")]
    [InlineData("{{ text[0] }}{{ text[-1] }} {{ text[:5] }} {{ text[6:] }} {{ text[::-1] }} {{ text[::2] }}", "Hd Hello World dlroW olleH HloWrd")]
    [InlineData("{{ items[1:] }} {{ items[-2:] }} {{ items[::-1] }} {{ items[5:] }} {{ items[-10:1] }} {{ items[10] is defined }}", "[1, 2] [1, 2] [2, 1, 3] [] [3] False")]
    [InlineData("{{ messages[0].role }} {{ messages[0]['content'] }} {{ messages[-1].content }} {{ cfg.a }} {{ cfg['b'] }} {{ cfg.zz is defined }}", "system Be brief. Hello! 1 2 False")]
    [InlineData("{{ [1, 'a', none] }} {{ (1, 2) }} {{ (1,) }} {{ {'k': 'v', 'n': 1} }} {{ {'a': {'b': 2}}.a.b }}", "[1, 'a', None] (1, 2) (1,) {'k': 'v', 'n': 1} 2")]
    [InlineData("{{ 'x' 'y' }} {{ \"it's\" }} {{ 'tab\\there' }} {{ '\\u00e9\\x41' }}", "xy it's tab\there éA")]
    [InlineData("{{ -pi|round(2) }} {{ pi|round(2) * 2 }}", "-3.14 6.28")]
    public void Evaluates_like_python(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ '  hi  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '\\n\\nhi'.lstrip('\\n') }}|{{ 'hi  '.rstrip() }}|", "hi|hi|hi|hi|")]
    [InlineData("{{ text.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }}", "['Hello', 'World'] ['a', 'b', '', 'c'] ['a', 'b,c'] ['a,b', 'c']")]
    [InlineData("{{ text.startswith('Hell') }} {{ text.endswith(('x', 'ld')) }} {{ text.find('o') }} {{ text.find('z') }} {{ text.count('l') }}", "True True 4 -1 3")]
    [InlineData("{{ text.replace('l', 'L') }} {{ text.replace('l', 'L', 1) }} {{ text.upper() }} {{ text.lower() }} {{ 'hELLO wORLD'.title() }} {{ 'hELLO'.capitalize() }}", "HeLLo WorLd HeLlo World HELLO WORLD hello world Hello World Hello")]
    [InlineData("{{ ', '.join(words) }} {{ '{} and {}'.format(1, 'b') }} {{ '{name}!'.format(name='N') }} {{ '%s=%d' % ('a', 3) }}", "b, A, c 1 and b N! a=3")]
    [InlineData("{{ cfg.items() | list }} {{ cfg.keys() | list }} {{ cfg.values() | list }} {{ cfg.get('a') }} {{ cfg.get('z') }} {{ cfg.get('z', 0) }}", "[('b', 2), ('a', 1)] ['b', 'a'] [2, 1] 1 None 0")]
    [InlineData("{% set l = [1] %}{{ l.append(2) }}{{ l }}", "None[1, 2]")]
    [InlineData("{{ '<think>a</think>b'.split('</think>')[-1] }}", "b")]
    public void Calls_python_string_dict_and_list_methods(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ n is none }}{{ text is string }}{{ cfg is mapping }}{{ items is iterable }}{{ text is iterable }}{{ items is sequence }}{{ pi is number }}{{ flag is number }}", "TrueTrueTrueTrueTrueTrueTrueTrue")]
    [InlineData("{{ pi is float }}{{ 3 is integer }}{{ flag is boolean }}{{ flag is true }}{{ n is false }}{{ undefined_name is undefined }}{{ cfg is defined }}", "TrueTrueTrueTrueFalseTrueTrue")]
    [InlineData("{{ 3 is odd }}{{ 3 is even }}{{ 9 is divisibleby 3 }}{{ 9 is divisibleby(2) }}{{ 'a' is equalto 'a' }}{{ 'a' is eq 'b' }}{{ 'b' is in 'abc' }}", "TrueFalseTrueFalseTrueFalseTrue")]
    [InlineData("{{ 3 is gt 2 }}{{ 3 is lessthan 3 }}{{ 3 is ge(3) }}{{ 'abc' is lower }}{{ 'Abc' is upper }}{{ 'trim' is filter }}{{ 'odd' is test }}{{ text.upper is callable }}", "TrueFalseTrueTrueFalseTrueTrueTrue")]
    public void Tests_like_jinja2(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));
}
