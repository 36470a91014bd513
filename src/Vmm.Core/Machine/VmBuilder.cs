using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vmm.Core.Buses;
using Vmm.Core.Devices;
using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;
using Vmm.Core.Pipeline;
using Vmm.Core.Plugins;
using Vmm.Sdk;

namespace Vmm.Core.Machine;

/// <summary>
/// Describes a VM (RAM, vCPUs, device instances, middleware, boot image) and builds it: devices are
/// created from their plugins by constructor injection, placed on the buses, and the exit pipeline is
/// composed once. The host, the tests and the mock vCPU kit all build VMs through this one class.
/// </summary>
public sealed partial class VmBuilder(IHypervisor hypervisor, PluginCatalog plugins)
{
    public const ulong DefaultMemorySize = 64UL << 20;

    /// <summary>RAM above this goes above 4 GiB, leaving the top of the 32-bit space for MMIO (as on a PC).</summary>
    public const ulong LowMemoryLimit = 0xC000_0000;

    /// <summary>Where RAM beyond <see cref="LowMemoryLimit"/> continues.</summary>
    public const ulong HighMemoryBase = 0x1_0000_0000;

    private readonly List<DeviceInstanceSpec> _devices = [];
    private readonly List<Func<ExitHandler, ExitHandler>> _middleware = [];
    private readonly List<FirmwareFile> _firmwareFiles = [];
    private FirmwareFileCatalog? _firmwareCatalog;
    private IBootImage? _image;

    public ulong MemorySize { get; set; } = DefaultMemorySize;

    public int VcpuCount { get; set; } = 1;

    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The clock devices see; a fake one in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public PluginCatalog Plugins => plugins;

    /// <summary>
    /// What a reset (a device's <see cref="IVmControl.RequestReset"/>, a vCPU's reset exit) does: true (the default,
    /// as QEMU) resets the machine and boots the image again; false stops the VM with <see cref="VmStopKind.Reset"/>,
    /// as QEMU's <c>-no-reboot</c>.
    /// </summary>
    public bool RebootOnReset { get; set; } = true;

    /// <summary>Adds the tracing middleware, which logs each exit at Trace level under <see cref="ExitTraceCategory"/>.</summary>
    public bool TraceExits { get; set; }

    public const string ExitTraceCategory = "Vmm.Exits";

    public VmBuilder AddDevice(DeviceInstanceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _devices.Add(spec);
        return this;
    }

    /// <summary>Adds middleware after the built-in ones (metrics, fault containment) and the plugins' ones.</summary>
    public VmBuilder UseMiddleware(Func<ExitHandler, ExitHandler> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _middleware.Add(middleware);
        return this;
    }

    /// <summary>
    /// Adds a file for the device that publishes firmware files (fw_cfg), as <c>vmm run --fw-cfg</c> does; plugins
    /// add theirs by registering <see cref="FirmwareFile"/>s. Building fails if no device asks for them.
    /// </summary>
    public VmBuilder AddFirmwareFile(FirmwareFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        _firmwareFiles.Add(file);
        return this;
    }

    public VmBuilder WithBootImage(IBootImage image)
    {
        _image = image;
        return this;
    }

    /// <summary>Builds the VM; any problem is a <see cref="VmmException"/> naming the instance or option, before the guest starts.</summary>
    public Vm Build()
    {
        var logger = LoggerFactory.CreateLogger<Vm>();
        ValidateShape(logger);

        var machine = hypervisor.CreateVirtualMachine();
        var owned = new List<IDisposable>();
        var consoles = new List<DeviceConsole>();
        var vcpus = new List<IVcpu>();
        try
        {
            var memory = AddRam(machine);
            var stop = new VmStopSignal();
            var metrics = new ExitMetrics(VcpuCount);
            var unclaimed = new UnclaimedAccessLog(LoggerFactory.CreateLogger<UnclaimedAccessLog>());
            var io = new IoBus();
            var mmio = new MmioBus();
            var slots = new List<DeviceSlot>();
            var lines = new Dictionary<int, SharedInterruptLine>();

            for (var i = 0; i < VcpuCount; i++)
                vcpus.Add(machine.CreateVcpu(i));

            var vm = new Vm(machine, memory, vcpus, slots, io, mmio, consoles, owned, stop, metrics, unclaimed, logger)
            {
                BootImage = _image,
                RebootOnReset = RebootOnReset,
            };
            _firmwareCatalog = new FirmwareFileCatalog([.. _firmwareFiles]);
            var rootServices = AddVmServices(new ServiceCollection(), memory, vm).BuildServiceProvider();
            owned.Add(rootServices);
            var pluginServices = CreatePluginServices(memory, vm, owned);
            _firmwareCatalog.UsePlugins(pluginServices);

            foreach (var spec in _devices)
            {
                var (slot, ranges) = CreateDevice(spec, machine, lines, pluginServices, consoles);
                slots.Add(slot);
                // A device with timers (an RTC) stops them when the VM goes, before its interrupt lines do.
                if (slot.Device is IDisposable disposableDevice)
                    owned.Add(disposableDevice);
                for (var r = 0; r < ranges.Count; r++)
                {
                    if (ranges[r].Space == AddressSpace.Port)
                        io.Register(slot, r, ranges[r]);
                    else
                        mmio.Register(slot, r, ranges[r]);
                }
            }
            if (_firmwareFiles.Count > 0 && !_firmwareCatalog.Requested)
                throw new ConfigurationException($"{_firmwareFiles[0].Source ?? "firmware file"} \"{_firmwareFiles[0].Name}\": no device in the VM publishes firmware files; add one (--device fw-cfg)");

            var router = new ExitRouter(io, mmio, unclaimed, stop);
            var pipeline = new ExitPipelineBuilder(rootServices);
            pipeline.UseExitMetrics(metrics);
            pipeline.UseFaultContainment(LoggerFactory.CreateLogger("Vmm.Core.Pipeline"));
            if (TraceExits)
                pipeline.UseExitTracing(LoggerFactory.CreateLogger(ExitTraceCategory));
            foreach (var services in pluginServices.Values)
            {
                foreach (var middleware in services.GetServices<IExitMiddleware>())
                    pipeline.Use(middleware.Wrap);
            }
            foreach (var middleware in _middleware)
                pipeline.Use(middleware);
            vm.Pipeline = pipeline.Build(router.Handle);

            if (_image is not null)
                vcpus[0].SetBootState(_image.Load(memory));
            return vm;
        }
        catch
        {
            foreach (var console in consoles)
                console.DisposeAsync().AsTask().GetAwaiter().GetResult();
            foreach (var vcpu in vcpus)
                vcpu.Dispose();
            foreach (var disposable in owned)
                disposable.Dispose();
            machine.Dispose();
            throw;
        }
    }

    private void ValidateShape(ILogger logger)
    {
        if (MemorySize == 0 || MemorySize % 4096 != 0)
            throw new ConfigurationException($"memory size {MemorySize} bytes is not a positive multiple of 4 KiB");
        if (VcpuCount < 1 || VcpuCount > hypervisor.MaxVcpus)
            throw new ConfigurationException($"{VcpuCount} vCPUs requested; {hypervisor.Name} allows 1 to {hypervisor.MaxVcpus}");
        if (VcpuCount > hypervisor.RecommendedVcpus)
            LogAboveRecommended(logger, VcpuCount, hypervisor.Name, hypervisor.RecommendedVcpus);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var spec in _devices)
        {
            if (!names.Add(spec.Name))
                throw new ConfigurationException($"{Where(spec)}: a device named \"{spec.Name}\" already exists; give each instance its own name");
        }
    }

    private GuestMemory AddRam(IVirtualMachine machine)
    {
        var memory = new GuestMemory();
        var low = Math.Min(MemorySize, LowMemoryLimit);
        memory.Add(machine.AddRam(0, low));
        if (MemorySize > low)
            memory.Add(machine.AddRam(HighMemoryBase, MemorySize - low));
        return memory;
    }

    /// <summary>
    /// One container per plugin, so two plugins cannot overwrite each other's registrations; each sees
    /// the VM-wide services (logging, clock, guest memory, VM control) the host shares with it.
    /// </summary>
    private Dictionary<LoadedPlugin, ServiceProvider> CreatePluginServices(GuestMemory memory, Vm vm, List<IDisposable> owned)
    {
        var result = new Dictionary<LoadedPlugin, ServiceProvider>();
        foreach (var plugin in plugins.Plugins)
        {
            var services = AddVmServices(new ServiceCollection(), memory, vm);
            try
            {
                plugin.Entry.ConfigureServices(services);
            }
            catch (Exception ex)
            {
                throw new PluginLoadException($"plugin '{plugin.Name}': ConfigureServices threw {ex.GetType().Name}: {ex.Message}", ex);
            }
            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            owned.Add(provider);
            result.Add(plugin, provider);
        }
        return result;
    }

    private IServiceCollection AddVmServices(IServiceCollection services, GuestMemory memory, Vm vm)
    {
        services.AddSingleton(LoggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(TimeProvider);
        services.AddSingleton<IGuestMemory>(memory);
        services.AddSingleton<IVmControl>(vm);
        var firmware = _firmwareCatalog;
        services.AddSingleton(_ => firmware!.Get());
        services.AddSingleton(new MachineInfo(VcpuCount, memory.Regions.Select(region => new RamRange(region.GuestAddress, region.Size)).ToArray()));
        return services;
    }

    private (DeviceSlot Slot, IReadOnlyList<DeviceRange> Ranges) CreateDevice(
        DeviceInstanceSpec spec,
        IVirtualMachine machine,
        Dictionary<int, SharedInterruptLine> lines,
        Dictionary<LoadedPlugin, ServiceProvider> pluginServices,
        List<DeviceConsole> consoles)
    {
        var where = Where(spec);
        if (!plugins.TryGetDeviceType(spec.Type, out var plugin, out var type))
        {
            var known = string.Join(", ", plugins.Plugins.SelectMany(p => p.DeviceTypes).Select(t => t.Name).Order());
            throw new ConfigurationException($"{where}: unknown device type \"{spec.Type}\"; known types: {(known.Length == 0 ? "none (no plugins loaded)" : known)}");
        }
        var services = pluginServices[plugin];
        var options = DeviceOptionsBinder.Bind(type, spec.Options, services, where);

        DeviceResources resources;
        try
        {
            resources = type.DescribeResources(options);
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationException($"{where}: {ex.Message}", ex);
        }

        var console = spec.Console ?? new DeviceConsole(spec.Output, spec.Input);
        consoles.Add(console);
        var instanceServices = new Dictionary<Type, object>
        {
            [typeof(Microsoft.Extensions.Options.IOptions<>).MakeGenericType(type.OptionsClass)] = DeviceOptionsBinder.Wrap(type, options),
            [type.OptionsClass] = options,
            [typeof(DeviceIdentity)] = new DeviceIdentity(spec.Name, type.Name),
            [typeof(System.IO.Pipelines.PipeWriter)] = console.Output,
            [typeof(System.IO.Pipelines.PipeReader)] = console.Input,
        };
        // Every line the instance declared, in order (an i8042 drives IRQ 1 and 12); the first is also its IInterruptLine.
        var interruptLines = new IInterruptLine[resources.Interrupts.Count];
        for (var i = 0; i < interruptLines.Length; i++)
            interruptLines[i] = InterruptLineFor(resources.Interrupts[i], machine, lines, where);
        if (interruptLines.Length > 0)
            instanceServices[typeof(IInterruptLine)] = interruptLines[0];
        instanceServices[typeof(IReadOnlyList<IInterruptLine>)] = interruptLines;

        IBusDevice device;
        try
        {
            device = (IBusDevice)ActivatorUtilities.CreateInstance(new InstanceServiceProvider(services, instanceServices), type.DeviceClass);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.Reflection.TargetInvocationException)
        {
            var cause = ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
            throw new ConfigurationException($"{where}: could not create {type.DeviceClass.Name} from plugin '{plugin.Name}': {cause.Message}", cause);
        }
        var logger = LoggerFactory.CreateLogger("Vmm.Devices." + type.Name);
        return (new DeviceSlot(spec.Name, type.Name, device, logger, VcpuCount), resources.Ranges);
    }

    /// <summary>Each device its own handle on the GSI, so two devices configured on one IRQ share it as a wired-OR.</summary>
    private static IInterruptLine InterruptLineFor(int gsi, IVirtualMachine machine, Dictionary<int, SharedInterruptLine> lines, string where)
    {
        if (!lines.TryGetValue(gsi, out var shared))
        {
            IInterruptLine line;
            try
            {
                line = machine.GetInterruptLine(gsi);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                var reason = ex.Message.Split(Environment.NewLine)[0].Split(" (Parameter")[0];
                throw new ConfigurationException($"{where}: irq {gsi}: {reason}", ex);
            }
            lines.Add(gsi, shared = new SharedInterruptLine(line));
        }
        return shared.CreateHandle();
    }

    private static string Where(DeviceInstanceSpec spec) =>
        $"{spec.Source ?? "device"} \"{spec.Name}\" ({spec.Type})";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} vCPUs is more than {Hypervisor} recommends ({Recommended}); the VM may run slowly")]
    private static partial void LogAboveRecommended(ILogger logger, int count, string hypervisor, int recommended);
}
