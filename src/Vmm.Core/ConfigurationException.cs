namespace Vmm.Core;

/// <summary>A VM description that cannot be built: bad option, overlapping ranges, unknown device type.</summary>
public sealed class ConfigurationException : VmmException
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException(string message, Exception inner) : base(message, inner) { }

    /// <summary>
    /// Wraps a Microsoft.Extensions.Configuration binder failure. The binder nests the useful text
    /// ("'0x10000' is not a valid value for UInt16") in inner exceptions, so they are joined into one line.
    /// </summary>
    public static ConfigurationException FromBinderError(string where, Exception error, string? hint = null)
    {
        var message = error.Message;
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
            message = $"{message} {inner.Message}";
        return new ConfigurationException(hint is null ? $"{where}: {message}" : $"{where}: {message} ({hint})", error);
    }
}
