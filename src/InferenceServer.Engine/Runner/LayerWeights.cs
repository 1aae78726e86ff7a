using InferenceServer.Backends;

namespace InferenceServer.Engine.Runner;

/// <summary>The weights of one transformer block, as the backend holds them.</summary>
public sealed record LayerWeights(
    IDeviceWeight InputNorm,
    IDeviceWeight QProj,
    IDeviceWeight KProj,
    IDeviceWeight VProj,
    IDeviceWeight? QBias,
    IDeviceWeight? KBias,
    IDeviceWeight? VBias,
    IDeviceWeight? QNorm,
    IDeviceWeight? KNorm,
    IDeviceWeight OProj,
    IDeviceWeight PostAttentionNorm,
    IDeviceWeight GateProj,
    IDeviceWeight UpProj,
    IDeviceWeight DownProj);
