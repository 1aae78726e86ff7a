namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>trim_blocks and lstrip_blocks (Hugging Face's settings), <c>-</c> and <c>+</c> markers, comments, raw blocks and the dropped trailing newline.</summary>
public sealed class WhitespaceControlTests
{
    [Theory]
    [InlineData("{% if flag %}\nyes\n{% endif %}\nafter", "yes\nafter")]
    [InlineData("  {% if flag %}\n  yes\n  {% endif %}\n", "  yes\n")]
    [InlineData("a {% if flag %}b{% endif %} c", "a b c")]
    [InlineData("x\n  {{ 1 }}\n", "x\n  1")]
    [InlineData("a  {%- if flag -%}  b  {%- endif -%}  c", "abc")]
    [InlineData("a \n {{- 1 -}} \n b", "a1b")]
    [InlineData("  {%+ if flag %}x{% endif %}", "  x")]
    [InlineData("{% if flag +%}\nx{% endif %}", "\nx")]
    [InlineData("a\n  {# note #}\nb", "a\nb")]
    [InlineData("a {#- note -#} b", "ab")]
    [InlineData("{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}")]
    [InlineData("{% for i in items %}\n  {{ i }}\n{% endfor %}\n", "  3\n  1\n  2\n")]
    [InlineData("text\n", "text")]
    [InlineData("text\n\n", "text\n")]
    [InlineData("a\r\nb\rc", "a\nb\nc")]
    [InlineData("{{ 'x' }}\n{% if flag %}y{% endif %}", "x\ny")]
    public void Renders_like_jinja2_with_trim_and_lstrip_blocks(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template));

    [Fact]
    public void Without_trim_and_lstrip_blocks_whitespace_is_kept()
    {
        var plain = new InferenceServer.ChatTemplates.Jinja.TemplateOptions { TrimBlocks = false, LstripBlocks = false, KeepTrailingNewline = true };
        Assert.Equal("  \nyes\n  \n", Jinja.Render("  {% if flag %}\nyes\n  {% endif %}\n", plain));
    }
}
