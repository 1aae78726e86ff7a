using InferenceServer.Engine;

namespace InferenceServer.Server.Configuration;

/// <summary>
/// Where settings come from, later ones winning: appsettings.json beside the program, an optional file given on the
/// command line, environment variables prefixed INFERENCE_SERVER_ (e.g. INFERENCE_SERVER_Server__Port), then flags.
/// </summary>
public static class ServerConfiguration
{
    public const string EnvironmentPrefix = "INFERENCE_SERVER_";

    /// <summary>Adds the sources to <paramref name="configuration"/> in precedence order.</summary>
    public static void AddSources(IConfigurationBuilder configuration, string? settingsFile, IReadOnlyDictionary<string, string?> flags)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(flags);
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (settingsFile is not null)
        {
            if (!File.Exists(settingsFile)) throw new FileNotFoundException($"settings file {settingsFile} not found", settingsFile);
            configuration.AddJsonFile(Path.GetFullPath(settingsFile), optional: false, reloadOnChange: false);
        }
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddInMemoryCollection(flags);
    }

    /// <summary>Binds and checks the "Server" section.</summary>
    public static ServerOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ServerOptions.Section);
        var options = new ServerOptions();
        BindChecked(section, options);
        options.Engine = BindEngine(section, options.Engine);
        Validate(options);
        return options;
    }

    /// <summary>
    /// The engine settings <paramref name="section"/> gives, over <paramref name="defaults"/>: keys are the
    /// <see cref="EngineOptions"/> property names (vLLM's flag names), dtypes and devices spelled as the flags spell them.
    /// </summary>
    public static EngineOptions BindEngine(IConfiguration section, EngineOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var engine = defaults with { };
        BindChecked(section, engine);
        return engine;
    }

    /// <summary>Binds, turning a value that does not convert into an <see cref="ArgumentException"/> naming the key and why.</summary>
    private static void BindChecked(IConfiguration section, object target)
    {
        try
        {
            section.Bind(target);
        }
        catch (InvalidOperationException e) when (e.InnerException is { } why)
        {
            // The binder says "Failed to convert configuration value at 'Server:DType' to type ..."; keep the key and the reason.
            var key = System.Text.RegularExpressions.Regex.Match(e.Message, "at '([^']+)'");
            throw new ArgumentException(key.Success ? $"{key.Groups[1].Value}: {why.Message}" : $"{e.Message} {why.Message}", e);
        }
    }

    public static void Validate(ServerOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Check(o.Port is >= 0 and <= 65535, $"port must be in [0, 65535], got {o.Port}");
        Check(o.GrpcPort is >= -1 and <= 65535, $"grpc-port must be in [-1, 65535], got {o.GrpcPort}");
        Check(o.GrpcPort <= 0 || o.GrpcPort != o.Port, "grpc-port must differ from port");
        Check(string.IsNullOrWhiteSpace(o.Model) || string.IsNullOrWhiteSpace(o.ModelsDir), "give --model or --models-dir, not both");
        Check(string.IsNullOrWhiteSpace(o.ModelsDir) || o.ServedModelName is null, "--served-model-name does not apply to --models-dir (models are named by their folders)");
        Check(o.CanaryEvaluationIntervalSeconds > 0, $"canary evaluation interval must be > 0, got {o.CanaryEvaluationIntervalSeconds}");
        Check(o.KvCacheShares.Values.All(v => v > 0), "KV-cache shares must be > 0");
        Check(o.MaxWaiting is >= 0 and <= 1 << 20, $"max-waiting must be in [0, {1 << 20}], got {o.MaxWaiting}");
        Check(o.MaxRequestBodyBytes > 0, $"max-request-body must be > 0, got {o.MaxRequestBodyBytes}");
        Check(o.MaxChoices is >= 1 and <= 1024, $"max choices must be in [1, 1024], got {o.MaxChoices}");
        Check(o.ShutdownGraceSeconds is >= 0 and <= 86_400, $"shutdown grace must be in [0, 86400] seconds, got {o.ShutdownGraceSeconds}");
        Check(o.ShutdownReadinessDelaySeconds is >= 0 and <= 300, $"shutdown readiness delay must be in [0, 300] seconds, got {o.ShutdownReadinessDelaySeconds}");
        Check(o.Engine.EnableLora || (o.LoraModules.Count == 0 && o.LoraDirs.Count == 0), "lora-modules and lora-dirs need --enable-lora");
        foreach (var module in o.LoraModules) Lora.LoraModuleSpec.Parse(module);
        o.Engine.Validate();
    }
}
