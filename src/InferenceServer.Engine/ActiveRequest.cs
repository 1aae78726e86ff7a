using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.Scheduling;

namespace InferenceServer.Engine;

/// <summary>The engine's state of one admitted request: its scheduler entry, random stream and output processor.</summary>
internal sealed class ActiveRequest(ScheduledRequest scheduled, SamplingState sampling, SequenceOutputProcessor output)
{
    public ScheduledRequest Scheduled { get; } = scheduled;
    public SamplingState Sampling { get; } = sampling;
    public SequenceOutputProcessor Output { get; } = output;

    /// <summary>Prompt tokens found in the prefix cache at first admission (-1 until admitted).</summary>
    public int CachedPromptTokens { get; set; } = -1;

    public RequestUsage Usage => new(Scheduled.PromptLength, Output.Generated, Math.Max(0, CachedPromptTokens));
}
