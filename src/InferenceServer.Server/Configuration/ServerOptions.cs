using InferenceServer.Backends;
using InferenceServer.Engine;

namespace InferenceServer.Server.Configuration;

/// <summary>Settings of one server process, bound from the "Server" configuration section (appsettings.json, environment, CLI flags).</summary>
public sealed class ServerOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string Section = "Server";

    /// <summary>Model manifest (.json), Hugging Face folder or .gguf file.</summary>
    public string Model { get; set; } = "";

    /// <summary>A model repository folder (see models/README.md) served instead of <see cref="Model"/>: every version its routing files name.</summary>
    public string? ModelsDir { get; set; }

    /// <summary>Relative KV-cache shares per loaded version ("name@version"); versions not listed get 1 (equal shares).</summary>
    public IDictionary<string, double> KvCacheShares { get; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>How often canary controllers judge their evaluation windows.</summary>
    public double CanaryEvaluationIntervalSeconds { get; set; } = 1;

    /// <summary>Name clients use in "model" (default: the manifest's name, else the folder or file name).</summary>
    public string? ServedModelName { get; set; }

    /// <summary>Address both listeners bind to.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>HTTP (OpenAI API, health, metrics) port; 0 picks a free one.</summary>
    public int Port { get; set; } = 8000;

    /// <summary>Cleartext HTTP/2 gRPC port; 0 picks a free one, -1 disables gRPC.</summary>
    public int GrpcPort { get; set; } = 8001;

    /// <summary>PFX certificate for TLS on both ports (null: cleartext).</summary>
    public string? TlsCertificatePath { get; set; }

    public string? TlsCertificatePassword { get; set; }

    /// <summary>Accepted API keys; none means no authentication.</summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>Leave /health, /ready and /metrics open when API keys are set (probes and scrapers carry no key).</summary>
    public bool OpenHealthAndMetrics { get; set; } = true;

    /// <summary>Engine sequences queued beyond --max-num-seqs before new requests get 429.</summary>
    public int MaxWaiting { get; set; } = 256;

    /// <summary>Largest request body in bytes (413 beyond).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 << 20;

    /// <summary>Most choices (n) one request may ask for.</summary>
    public int MaxChoices { get; set; } = 16;

    /// <summary>
    /// How long in-flight requests may run on after shutdown begins. Just before it ends, generations still running
    /// are ended properly (an SSE error event and [DONE], a 503, gRPC UNAVAILABLE) rather than cut off.
    /// </summary>
    public double ShutdownGraceSeconds { get; set; } = 10;

    /// <summary>
    /// How long /ready (and gRPC health) answer 503 / NOT_SERVING after SIGTERM while the listeners still take
    /// connections, so load balancers stop sending before connections are refused; the grace period follows it.
    /// </summary>
    public double ShutdownReadinessDelaySeconds { get; set; } = 1;

    /// <summary>Seconds sent in Retry-After with 429.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// The engine settings (<c>--device</c>, <c>--dtype</c>, <c>--max-num-seqs</c>, LoRA limits, ...), bound from the
    /// same section under vLLM's flag names (Server:MaxNumSeqs, Server:DType, ...); serve defaults to device auto.
    /// </summary>
    public EngineOptions Engine { get; set; } = new() { Device = ComputeDevice.Auto };

    /// <summary>Adapters loaded at start (<c>--lora-modules</c>): "name=path" or vLLM's JSON form.</summary>
    public IList<string> LoraModules { get; } = [];

    /// <summary>Directories <c>/v1/load_lora_adapter</c> may read from (<c>--lora-dirs</c>); none: runtime loading is off.</summary>
    public IList<string> LoraDirs { get; } = [];
}
