using InferenceServer.Core.Errors;

namespace InferenceServer.Cli.Commands;

/// <summary>Turns expected failures (bad files, bad arguments) into one clear line on stderr and exit code 1.</summary>
internal static class CommandErrors
{
    public const int Failure = 1;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is InferenceServerException or ArgumentException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {e.Message}");
            return Failure;
        }
    }
}
