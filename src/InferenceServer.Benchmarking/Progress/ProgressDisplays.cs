using Spectre.Console;

namespace InferenceServer.Benchmarking.Progress;

/// <summary>Picks the live bar on an interactive terminal and plain lines when output is redirected.</summary>
public static class ProgressDisplays
{
    public static IProgressDisplay ForConsole(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return !Console.IsOutputRedirected && console.Profile.Capabilities.Interactive
            ? new LiveProgress(console)
            : new PlainProgress(Console.Out, TimeSpan.FromSeconds(5));
    }
}
