using Microsoft.Extensions.DependencyInjection;

namespace Vmm.Sdk;

/// <summary>
/// The entry point of a plugin: the host creates the one public, non-abstract class implementing it
/// (it needs a parameterless constructor) and calls <see cref="ConfigureServices"/> once per VM with a
/// service collection of the plugin's own.
/// </summary>
/// <example>
/// <code>
/// public sealed class SerialPlugin : IVmmPlugin
/// {
///     public void ConfigureServices(IServiceCollection services) =>
///         services.AddDeviceType&lt;Uart16550, Uart16550Options&gt;("uart16550", "16550A UART",
///             (options, resources) => resources.AddPorts(options.Port, 8).AddInterrupt(options.Irq));
/// }
/// </code>
/// </example>
public interface IVmmPlugin
{
    /// <summary>Registers the plugin's device types (<see cref="DeviceTypeServiceCollectionExtensions.AddDeviceType{TDevice, TOptions}"/>), middleware and services.</summary>
    void ConfigureServices(IServiceCollection services);
}
