namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>The builtin filters real templates use, with Jinja2's arguments and defaults.</summary>
public sealed class FilterTests
{
    [Theory]
    [InlineData("[{{ '  a b  '|trim }}] [{{ 'xxaxx'|trim('x') }}] {{ text|upper }} {{ text|lower }} {{ 'hello wORLD'|capitalize }} {{ 'hello-world (x)'|title }}", "[a b] [a] HELLO WORLD hello world Hello world Hello-World (X)")]
    [InlineData("{{ text|replace('o', '0') }} {{ text|replace('o', '0', 1) }} {{ text|wordcount }} {{ 42|string ~ '!' }} {{ text|length }} {{ 'é👋'|length }}", "Hell0 W0rld Hell0 World 2 42! 11 2")]
    [InlineData("{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent(width='> ', blank=true) }}|{{ 'x'|center(5) }}|", "a\n  b\n\n  c|  a\n  b|a\n> \n> b|  x  |")]
    [InlineData("{{ 'Hello %s, %d'|format('you', 3) }} {{ '<a href=\"x\">&'|escape }} {{ '<b>'|safe }} {{ 'a long sentence here'|truncate(9) }}", "Hello you, 3 &lt;a href=&#34;x&#34;&gt;&amp; <b> a...")]
    public void Text_filters(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ items|length }} {{ items|count }} {{ items|first }} {{ items|last }} {{ items|sum }} {{ items|min }} {{ items|max }} {{ text|first }}", "3 3 3 2 6 1 3 H")]
    [InlineData("{{ items|sort }} {{ items|sort(reverse=true) }} {{ words|sort }} {{ words|sort(case_sensitive=true) }} {{ items|reverse|list }} {{ text|reverse }}", "[1, 2, 3] [3, 2, 1] ['A', 'b', 'c'] ['A', 'b', 'c'] [2, 1, 3] dlroW olleH")]
    [InlineData("{{ users|sort(attribute='age')|map(attribute='name')|join(',') }} {{ users|max(attribute='age')|attr('name') }} {{ users|sum(attribute='age') }}", "bob,ann,cy  96")]
    [InlineData("{{ items|join }} {{ items|join(', ') }} {{ users|join('/', attribute='name') }} {{ cfg|list }} {{ text|list|length }}", "312 3, 1, 2 ann/bob/cy ['b', 'a'] 11")]
    [InlineData("{{ cfg|dictsort }} {{ cfg|dictsort(by='value', reverse=true) }} {{ cfg|items|list }} {{ ['a', 'A', 'b', 'a']|unique|list }} {{ ['a', 'A']|unique(case_sensitive=true)|list }}", "[('a', 1), ('b', 2)] [('b', 2), ('a', 1)] [('b', 2), ('a', 1)] ['a', 'b'] ['a', 'A']")]
    [InlineData("[{{ empty|first }}] {{ [1, 2, 3, 4, 5]|batch(2)|list }} {{ [1, 2, 3, 4, 5]|slice(2)|list }} {{ 'abc'|list }}", "[] [[1, 2], [3, 4], [5]] [[1, 2, 3], [4, 5]] ['a', 'b', 'c']")]
    public void Sequence_filters(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ messages|map(attribute='role')|join(',') }} {{ words|map('upper')|list }} {{ users|map(attribute='admin', default='?')|list }}", "system,user,assistant ['B', 'A', 'C'] [True, False, '?']")]
    [InlineData("{{ messages|selectattr('role', 'equalto', 'user')|list|length }} {{ messages|rejectattr('role', 'eq', 'user')|map(attribute='role')|list }} {{ users|selectattr('admin')|map(attribute='name')|list }}", "1 ['system', 'assistant'] ['ann']")]
    [InlineData("{{ items|select('odd')|list }} {{ items|reject('odd')|list }} {{ [0, 1, '', 'a', none]|select|list }} {{ users|selectattr('admin', 'defined')|list|length }}", "[3, 1] [2] [1, 'a'] 2")]
    public void Selection_filters(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Theory]
    [InlineData("{{ pi|round(2) }} {{ 2.5|round }} {{ 3.5|round }} {{ 3|round }} {{ 3.2|round(method='ceil') }} {{ 3.8|round(method='floor') }} {{ -3|abs }} {{ -2.5|abs }}", "3.14 2.0 4.0 3 4.0 3.0 3 2.5")]
    [InlineData("{{ '42'|int }} {{ '4.7'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ '0x1A'|int(base=16) }} {{ 3.9|int }} {{ '2.5'|float }} {{ 3|float }} {{ 'x'|float }}", "42 4 0 7 26 3 2.5 3.0 0.0")]
    [InlineData("{{ undefined_name|default('D') }} {{ n|default('D') }} {{ ''|default('D', true) }} {{ 0|d('D') }} {{ cfg.zz|d(cfg.a) }}", "D None D 0 1")]
    public void Number_and_default_filters(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));
}
