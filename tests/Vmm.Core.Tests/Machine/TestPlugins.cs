using System.IO.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vmm.Sdk;

namespace Vmm.Core.Tests.Machine;

public sealed class WidgetOptions
{
    public ushort Port { get; set; } = 0x100;

    public int Irq { get; set; } = 5;

    public string Label { get; set; } = "";
}

/// <summary>A device that keeps everything the framework injected, so a test can look at it.</summary>
public sealed class Widget(
    IOptions<WidgetOptions> options,
    IInterruptLine irq,
    IGuestMemory memory,
    IVmControl control,
    DeviceIdentity identity,
    TimeProvider clock,
    PipeWriter output,
    IGreeting greeting) : IBusDevice
{
    public WidgetOptions Options { get; } = options.Value;
    public IInterruptLine Irq { get; } = irq;
    public IGuestMemory Memory { get; } = memory;
    public IVmControl Control { get; } = control;
    public DeviceIdentity Identity { get; } = identity;
    public TimeProvider Clock { get; } = clock;
    public PipeWriter Output { get; } = output;
    public IGreeting Greeting { get; } = greeting;
    public List<byte> Written { get; } = [];

    public void Read(in BusAccess access, Span<byte> data) => data[0] = (byte)access.Offset;

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) => Written.AddRange(data);
}

public interface IGreeting
{
    string Text { get; }
}

public sealed class EnglishGreeting : IGreeting
{
    public string Text => "hello";
}

public sealed class FrenchGreeting : IGreeting
{
    public string Text => "bonjour";
}

public sealed class WidgetPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IGreeting, EnglishGreeting>();
        services.AddSingleton<IValidateOptions<WidgetOptions>>(new ValidateOptions<WidgetOptions>(
            null, o => o.Label != "forbidden", "Label must not be \"forbidden\""));
        services.AddDeviceType<Widget, WidgetOptions>("widget", "test widget",
            (options, resources) => resources.AddPorts(options.Port, 4).AddInterrupt(options.Irq));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExitMiddleware, CountingMiddleware>());
    }
}

/// <summary>A second plugin registering the same service type: its devices must see its own registration.</summary>
public sealed class FrenchWidgetPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IGreeting, FrenchGreeting>();
        services.AddDeviceType<Widget, WidgetOptions>("widget-fr", "test widget, French",
            (options, resources) => resources.AddPorts(options.Port, 4).AddInterrupt(options.Irq));
    }
}

public sealed class CountingMiddleware : IExitMiddleware
{
    public static int Exits;

    public ExitHandler Wrap(ExitHandler next) => (ref ExitContext exit) =>
    {
        Interlocked.Increment(ref Exits);
        next(ref exit);
    };
}

public sealed class BrokenConstructorDevice : IBusDevice
{
    public BrokenConstructorDevice() => throw new InvalidOperationException("no hardware found");

    public void Read(in BusAccess access, Span<byte> data) { }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) { }
}

public sealed class BrokenPlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<BrokenConstructorDevice, WidgetOptions>("broken", "throws when created",
            (options, resources) => resources.AddPorts(options.Port, 1));
}
