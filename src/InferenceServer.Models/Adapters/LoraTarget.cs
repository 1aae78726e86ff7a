using InferenceServer.Models.Config;

namespace InferenceServer.Models.Adapters;

/// <summary>A linear layer of a decoder block that a LoRA adapter may modify.</summary>
public enum LoraTarget
{
    QProj,
    KProj,
    VProj,
    OProj,
    GateProj,
    UpProj,
    DownProj,
}

/// <summary>PEFT module names and input/output sizes of <see cref="LoraTarget"/>s.</summary>
public static class LoraTargets
{
    /// <summary>Every target, in the order of <see cref="LoraTarget"/>.</summary>
    public static IReadOnlyList<LoraTarget> All { get; } = Enum.GetValues<LoraTarget>();

    /// <summary>The PEFT / Hugging Face module name ("q_proj", ...).</summary>
    public static string ModuleName(this LoraTarget target) => target switch
    {
        LoraTarget.QProj => "q_proj",
        LoraTarget.KProj => "k_proj",
        LoraTarget.VProj => "v_proj",
        LoraTarget.OProj => "o_proj",
        LoraTarget.GateProj => "gate_proj",
        LoraTarget.UpProj => "up_proj",
        _ => "down_proj",
    };

    /// <summary>The block part holding the module ("self_attn" or "mlp").</summary>
    public static string Block(this LoraTarget target) => target <= LoraTarget.OProj ? "self_attn" : "mlp";

    /// <summary>The target named <paramref name="module"/>, or null.</summary>
    public static LoraTarget? FromModuleName(string module)
    {
        foreach (var t in All) if (t.ModuleName() == module) return t;
        return null;
    }

    /// <summary>Input features of the target's base matrix.</summary>
    public static int InFeatures(this LoraTarget target, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return target switch
        {
            LoraTarget.OProj => config.NumHeads * config.HeadDim,
            LoraTarget.DownProj => config.IntermediateSize,
            _ => config.HiddenSize,
        };
    }

    /// <summary>Output features of the target's base matrix.</summary>
    public static int OutFeatures(this LoraTarget target, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return target switch
        {
            LoraTarget.QProj => config.NumHeads * config.HeadDim,
            LoraTarget.KProj or LoraTarget.VProj => config.NumKvHeads * config.HeadDim,
            LoraTarget.GateProj or LoraTarget.UpProj => config.IntermediateSize,
            _ => config.HiddenSize,
        };
    }
}
