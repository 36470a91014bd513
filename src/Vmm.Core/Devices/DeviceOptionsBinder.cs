using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Vmm.Sdk;

namespace Vmm.Core.Devices;

/// <summary>
/// Binds an instance's options section onto its type's options class (unknown keys and unparsable values
/// are errors, so a typo is caught before the guest starts) and runs the plugin's
/// <see cref="IValidateOptions{TOptions}"/> validators.
/// </summary>
internal static class DeviceOptionsBinder
{
    public static object Bind(DeviceType type, IConfiguration section, IServiceProvider pluginServices, string where)
    {
        var options = type.CreateDefaultOptions();
        try
        {
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            var known = string.Join(", ", type.OptionsClass.GetProperties().Where(p => p.CanWrite).Select(p => p.Name));
            throw ConfigurationException.FromBinderError(where, ex, $"options: {known}");
        }

        var validatorType = typeof(IValidateOptions<>).MakeGenericType(type.OptionsClass);
        var validate = validatorType.GetMethod(nameof(IValidateOptions<object>.Validate))!;
        foreach (var validator in (IEnumerable<object?>)pluginServices.GetService(typeof(IEnumerable<>).MakeGenericType(validatorType))!)
        {
            if (validator is not null && validate.Invoke(validator, [Options.DefaultName, options]) is ValidateOptionsResult { Failed: true } result)
                throw new ConfigurationException($"{where}: {result.FailureMessage}");
        }
        return options;
    }

    /// <summary>An <see cref="IOptions{TOptions}"/> holding <paramref name="options"/>.</summary>
    public static object Wrap(DeviceType type, object options) =>
        Activator.CreateInstance(typeof(OptionsWrapper<>).MakeGenericType(type.OptionsClass), options)!;
}
