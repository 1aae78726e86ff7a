namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary><c>{{ value }}</c> prints Python's str(): None, True, reprs of containers with single quotes, shortest float repr, nothing for undefined.</summary>
public sealed class PrintingTests
{
    [Theory]
    [InlineData("{{ n }} {{ flag }} {{ false }} {{ 42 }} {{ pi }}", "None True False 42 3.14159")]
    [InlineData("[{{ undefined_name }}] [{{ cfg.missing }}] [{{ undefined_name|length }}]", "[] [] [0]")]
    [InlineData("{{ items }} {{ words }} {{ cfg }} {{ messages[0] }}", "[3, 1, 2] ['b', 'A', 'c'] {'b': 2, 'a': 1} {'role': 'system', 'content': 'Be brief.'}")]
    [InlineData("{{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'line\\nbreak', 'é'] }}", "[\"it's\", 'say \"hi\"', 'both \\' \"', 'line\\nbreak', 'é']")]
    [InlineData("{{ 1.0 }} {{ 100.0 }} {{ 1e16 }} {{ 1.5e-05 }} {{ 0.0001 }} {{ 1e100 }} {{ 123456789.125 }} {{ -0.0 }}", "1.0 100.0 1e+16 1.5e-05 0.0001 1e+100 123456789.125 -0.0")]
    [InlineData("{{ (1, [2, (3,)], {'a': none}) }} {{ () }} {{ {} }}", "(1, [2, (3,)], {'a': None}) () {}")]
    public void Prints_python_str_of_values(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));
}
