using System.CommandLine;
using InferenceServer.Cli.Commands;

namespace InferenceServer.Cli;

/// <summary>Entry point of the `inference-server` command line.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("Self-hosted LLM inference server: serve a model over OpenAI-compatible HTTP and gRPC, generate text, make benchmark models.")
        {
            GenerateCommand.Create(),
            MakeRandomModelCommand.Create(),
            MakeRandomLoraCommand.Create(),
            ChatTemplateCommand.Create(),
            TokenizeCommand.Create(),
            ServeCommand.Create(),
            BenchCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
