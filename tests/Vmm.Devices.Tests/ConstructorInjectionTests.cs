using System.IO.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vmm.Devices.DebugExit;
using Vmm.Devices.Serial;
using Vmm.Devices.Tests.Fakes;
using Vmm.Sdk;

namespace Vmm.Devices.Tests;

// Inside Vmm.Devices.Tests the bare name DebugExit would find the namespace Vmm.Devices.DebugExit first.

/// <summary>
/// The devices are built by constructor injection from what the core offers an instance; these build
/// them the standard way (ActivatorUtilities) so a constructor the container cannot satisfy fails here.
/// </summary>
public sealed class ConstructorInjectionTests
{
    private static ServiceCollection InstanceServices(string name, string type)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new DeviceIdentity(name, type));
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return services;
    }

    [Fact]
    public void A_uart_without_console_pipes_is_built_and_discards_output()
    {
        using var provider = InstanceServices("com2", SerialPlugin.DeviceTypeName).BuildServiceProvider();

        var uart = ActivatorUtilities.CreateInstance<Uart16550>(provider);

        uart.Write(new BusAccess(0x2f8, 0, 0, 0), "x"u8);
    }

    [Fact]
    public void A_uart_is_built_with_the_instance_console_pipes()
    {
        Pipe output = PipeExtensions.CreateConsolePipe(), input = PipeExtensions.CreateConsolePipe();
        var services = InstanceServices("com1", SerialPlugin.DeviceTypeName);
        services.AddSingleton(output.Writer);
        services.AddSingleton(input.Reader);
        services.AddSingleton(Options.Create(new Uart16550Options()));
        using var provider = services.BuildServiceProvider();

        var uart = ActivatorUtilities.CreateInstance<Uart16550>(provider);
        uart.Write(new BusAccess(0x3f8, 0, 0, 0), "x"u8);

        Assert.Equal("x"u8.ToArray(), output.Reader.ReadAvailable());
    }

    [Fact]
    public void A_debug_exit_is_built_from_options_and_vm_control()
    {
        var vm = new RecordingVmControl();
        var services = InstanceServices("exit", DebugExitPlugin.DeviceTypeName);
        services.AddSingleton<IVmControl>(vm);
        services.AddSingleton(Options.Create(new DebugExitOptions { Width = 4 }));
        using var provider = services.BuildServiceProvider();

        var device = ActivatorUtilities.CreateInstance<DebugExitPort>(provider);
        device.Write(new BusAccess(0x501, 0, 0, 0), [0x00, 0x01, 0x00, 0x00]);

        Assert.Equal([0x201], vm.ExitCodes);
    }
}
