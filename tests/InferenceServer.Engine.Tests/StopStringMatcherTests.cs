using InferenceServer.Engine.Outputs;

namespace InferenceServer.Engine.Tests;

public sealed class StopStringMatcherTests
{
    private static (string Output, bool Stopped) Feed(string[] stops, params string[] deltas)
    {
        var m = new StopStringMatcher(stops);
        var output = string.Concat(deltas.Select(m.Append));
        if (!m.Stopped) output += m.Flush();
        return (output, m.Stopped);
    }

    [Fact]
    public void A_stop_string_split_across_deltas_is_found_and_cut()
    {
        var (output, stopped) = Feed(["The End"], "and they lived. Th", "e E", "nd of", " story");
        Assert.True(stopped);
        Assert.Equal("and they lived. ", output);
    }

    [Fact]
    public void Text_that_only_looks_like_a_stop_prefix_is_released()
    {
        var m = new StopStringMatcher(["###"]);
        Assert.Equal("a", m.Append("a#"));
        Assert.Equal("", m.Append("#"));
        Assert.Equal("##b", m.Append("b"));
        Assert.Equal("", m.Flush());
    }

    [Fact]
    public void The_earliest_of_several_stops_wins_and_no_stops_passes_everything()
    {
        Assert.Equal(("x ", true), Feed(["zz", "\n"], "x \n y zz"));
        Assert.Equal(("hello world", false), Feed([], "hello", " world"));
    }
}
