using System.Globalization;

namespace InferenceServer.LlamaCppBaseline;

/// <summary>Which prebuilt llama.cpp library to load: the one LLamaSharp picks from the CPU's features, or a named one.</summary>
internal enum Variant { Auto, Avx2, Avx512 }

/// <summary>The three measurements, named as on the command line.</summary>
internal enum Measurement { Pp, Tg, Batched }

/// <summary>Command-line settings of the baseline run.</summary>
internal sealed record BaselineOptions(string Model, Variant Variant, int Reps, int Threads, IReadOnlyList<Measurement> Only, bool Verbose)
{
    public const string Usage =
        "usage: InferenceServer.LlamaCppBaseline --model PATH.gguf [--variant auto|avx2|avx512] [--reps 3] [--threads 2] [--only pp,tg,batched] [--verbose]";

    /// <summary>Parses <paramref name="args"/>; throws <see cref="UsageException"/> naming the problem.</summary>
    public static BaselineOptions Parse(IReadOnlyList<string> args)
    {
        string? model = null;
        var variant = Variant.Auto;
        int reps = 3, threads = 2;
        bool verbose = false;
        IReadOnlyList<Measurement> only = [Measurement.Pp, Measurement.Tg, Measurement.Batched];
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value");
            switch (name)
            {
                case "--model" or "-m": model = Value(); break;
                case "--variant": variant = ParseVariant(Value()); break;
                case "--reps": reps = PositiveInt(name, Value()); break;
                case "--threads" or "-t": threads = PositiveInt(name, Value()); break;
                case "--only": only = ParseOnly(Value()); break;
                case "--verbose": verbose = true; break;
                default: throw new UsageException($"unknown argument '{name}'");
            }
        }
        if (model is null) throw new UsageException("--model is required");
        if (!File.Exists(model)) throw new UsageException($"no such model file: {model}");
        return new BaselineOptions(model, variant, reps, threads, only, verbose);
    }

    private static Variant ParseVariant(string value) => value switch
    {
        "auto" => Variant.Auto,
        "avx2" => Variant.Avx2,
        "avx512" => Variant.Avx512,
        _ => throw new UsageException($"unknown variant '{value}' (expected auto, avx2 or avx512)"),
    };

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new UsageException($"{name} must be a positive integer, not '{value}'");

    private static Measurement[] ParseOnly(string value)
    {
        var list = new List<Measurement>();
        foreach (string item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var m = item switch
            {
                "pp" => Measurement.Pp,
                "tg" => Measurement.Tg,
                "batched" => Measurement.Batched,
                _ => throw new UsageException($"unknown measurement '{item}' in --only (expected pp, tg, batched)"),
            };
            if (!list.Contains(m)) list.Add(m);
        }
        return list.Count > 0 ? [.. list] : throw new UsageException("--only names no measurement");
    }
}

/// <summary>A bad command line: the message says what is wrong, and the program exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
