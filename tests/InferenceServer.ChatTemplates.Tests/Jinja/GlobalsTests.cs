using InferenceServer.ChatTemplates.Jinja;

namespace InferenceServer.ChatTemplates.Tests.Jinja;

/// <summary>Global functions: range, dict, namespace, joiner, cycler, and Hugging Face's strftime_now.</summary>
public sealed class GlobalsTests
{
    [Theory]
    [InlineData("{{ range(3)|list }} {{ range(1, 10, 4)|list }} {{ range(3, 0, -1)|list }}", "[0, 1, 2] [1, 5, 9] [3, 2, 1]")]
    [InlineData("{{ dict(a=1, b='x') }} {{ dict(cfg, c=3) }} {{ namespace(a=1).a }} {{ namespace(cfg).b }}", "{'a': 1, 'b': 'x'} {'b': 2, 'a': 1, 'c': 3} 1 2")]
    [InlineData("{% set sep = joiner(' | ') %}{% for i in items %}{{ sep() }}{{ i }}{% endfor %}", "3 | 1 | 2")]
    [InlineData("{% set c = cycler('odd', 'even') %}{{ c.next() }} {{ c.next() }} {{ c.next() }} {{ c.current }}", "odd even odd even")]
    public void Globals_like_jinja2(string template, string expected) => Assert.Equal(expected, Jinja.Render(template));

    [Fact]
    public void Strftime_now_formats_the_local_time_like_python()
    {
        var options = TemplateOptions.HuggingFace with { Clock = new FixedClock(new DateTimeOffset(2024, 7, 5, 14, 3, 9, TimeSpan.Zero)) };
        Assert.Equal("05 Jul 2024|5 July 2024|Friday 14:03:09 PM|2024-07-05|187",
            Jinja.Render("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%-d %B %Y') }}|{{ strftime_now('%A %H:%M:%S %p') }}|{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%j') }}", options));
    }

    /// <summary>A clock pinned to one instant, in UTC.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
