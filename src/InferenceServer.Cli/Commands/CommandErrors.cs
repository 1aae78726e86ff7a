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
        catch (OutOfMemoryException e)
        {
            // Settings that pass their own checks can still ask for more than the machine has, together.
            Console.Out.Flush();
            Console.Error.WriteLine($"error: not enough memory for these settings ({e.Message}); lower --max-num-batched-tokens, --max-num-seqs, --kv-cache-memory or --max-model-len");
            return Failure;
        }
    }
}
