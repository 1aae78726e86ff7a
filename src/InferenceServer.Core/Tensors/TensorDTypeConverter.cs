using System.ComponentModel;
using System.Globalization;

namespace InferenceServer.Core.Tensors;

/// <summary>
/// Reads a <see cref="TensorDType"/> from settings as flags spell it ("bf16", "float32", "q8_0"), so configuration
/// binds dtype settings directly; "auto" means no choice (null).
/// </summary>
public sealed class TensorDTypeConverter : EnumConverter
{
    public TensorDTypeConverter() : base(typeof(TensorDType))
    {
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) => value is string text
        ? text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : TensorDTypeExtensions.Parse(text.Trim())
        : base.ConvertFrom(context, culture, value);
}
