using System.Security.Cryptography;
using System.Text;

namespace InferenceServer.Server.Security;

/// <summary>
/// Checks a presented key against the configured ones in constant time: both sides are hashed first (so lengths
/// do not leak) and every configured key is compared, whether or not an earlier one matched.
/// </summary>
public sealed class ApiKeyCheck
{
    private readonly byte[][] _hashes;

    public ApiKeyCheck(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _hashes = keys.Where(k => !string.IsNullOrEmpty(k)).Select(Hash).ToArray();
    }

    /// <summary>Whether any keys are configured (none: authentication is off).</summary>
    public bool Enabled => _hashes.Length > 0;

    public bool IsValid(string? presented)
    {
        if (presented is null) return false;
        var hash = Hash(presented);
        bool ok = false;
        foreach (var h in _hashes) ok |= CryptographicOperations.FixedTimeEquals(h, hash);
        return ok;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
