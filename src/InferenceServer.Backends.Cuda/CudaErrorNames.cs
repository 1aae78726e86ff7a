using System.Text;

namespace InferenceServer.Backends.Cuda;

/// <summary>cuda.h's names for CUresult values (CUDA_ERROR_NO_DEVICE), for messages when the driver cannot be asked.</summary>
public static class CudaErrorNames
{
    public static string Of(CudaResult result)
    {
        if (!Enum.IsDefined(result)) return $"CUDA_ERROR_{(int)result}";
        if (result == CudaResult.Success) return "CUDA_SUCCESS";
        // ErrorNoDevice -> CUDA_ERROR_NO_DEVICE
        var name = new StringBuilder("CUDA_");
        string s = result.ToString();
        for (int i = 0; i < s.Length; i++)
        {
            if (i > 0 && char.IsUpper(s[i])) name.Append('_');
            name.Append(char.ToUpperInvariant(s[i]));
        }
        return name.ToString();
    }
}
