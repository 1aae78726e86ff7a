using System.Collections;
using System.Reflection;
using InferenceServer.Backends.Cpu.Simd;
using Xunit.Sdk;

namespace InferenceServer.TestSupport;

/// <summary>
/// Theory data run once on every CPU kernel path this machine supports (<see cref="CpuIsaSupport.Supported"/>): the
/// path comes first, then <paramref name="data"/> as <c>InlineData</c> would pass it. A path the CPU cannot run
/// produces no case here; the runs under the runtime's ISA switches cover what a smaller CPU would pick.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class EveryCpuPathAttribute(params object?[] data) : DataAttribute
{
    public override IEnumerable<object?[]> GetData(MethodInfo testMethod) => CpuPathData.Cross([data]);
}

/// <summary>The rows of a static member of the test class (as <c>MemberData</c>), each run on every supported CPU path.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class EveryCpuPathMemberAttribute(string memberName) : DataAttribute
{
    public override IEnumerable<object?[]> GetData(MethodInfo testMethod)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        var type = testMethod.DeclaringType!;
        object? value = type.GetMethod(memberName, flags, Type.EmptyTypes)?.Invoke(null, null) ?? type.GetProperty(memberName, flags)?.GetValue(null);
        if (value is not IEnumerable rows) throw new ArgumentException($"{type.Name}.{memberName} is not a static member returning rows");
        return CpuPathData.Cross(rows.Cast<object?[]>());
    }
}

internal static class CpuPathData
{
    public static IEnumerable<object?[]> Cross(IEnumerable<object?[]> rows)
    {
        var all = rows.ToList();
        foreach (var isa in CpuIsaSupport.Supported)
            foreach (var row in all) yield return [isa, .. row];
    }
}
