using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vmm.Core.Hypervisor;
using Vmm.Core.Plugins;
using Vmm.Emulation;
using Vmm.Sdk.Testing.Backend;

namespace Vmm.Sdk.Testing;

/// <summary>
/// Describes a <see cref="TestVm"/>: its plugins, device instances and test settings. The VM itself is built by the
/// production <c>VmBuilder</c>, so devices are created, placed on the buses and reached through the exit pipeline
/// exactly as in a real VM.
/// </summary>
/// <example>
/// <code>
/// using var vm = TestVm.Create(b => b
///     .AddPlugin&lt;SerialPlugin&gt;()
///     .AddDevice("uart16550", "com1", new { Port = 0x3f8, Irq = 4 })
///     .WithUnhandledAccess(UnhandledAccessPolicy.Fail));
/// </code>
/// </example>
public sealed class TestVmBuilder
{
    /// <summary>RAM a test VM gets unless told otherwise: enough for small guest programs and DMA buffers.</summary>
    public const ulong DefaultMemorySize = 2UL << 20;

    /// <summary>How many exits <see cref="TestVm.Exits"/> keeps unless told otherwise.</summary>
    public const int DefaultTraceCapacity = 65_536;

    private readonly List<LoadedPlugin> _plugins = [];
    private readonly List<(string Type, string Name, IConfiguration Options)> _devices = [];
    private readonly List<Func<ExitHandler, ExitHandler>> _middleware = [];

    /// <summary>Guest RAM in bytes, a multiple of 4 KiB; <see cref="DefaultMemorySize"/> by default.</summary>
    public ulong MemorySize { get; set; } = DefaultMemorySize;

    /// <summary>How many vCPUs the VM has; 1 by default. Guests run on vCPU 0.</summary>
    public int VcpuCount { get; set; } = 1;

    /// <summary>What an access no device claims does; <see cref="UnhandledAccessPolicy.AllOnes"/> by default.</summary>
    public UnhandledAccessPolicy UnhandledAccess { get; set; } = UnhandledAccessPolicy.AllOnes;

    /// <summary>
    /// True (the default): a device that throws fails the scripted access or guest run with a
    /// <see cref="DeviceFaultException"/>. False: only production's containment applies (the device is marked
    /// faulted and behaves as unclaimed), for tests of that behaviour.
    /// </summary>
    public bool ThrowOnDeviceFault { get; set; } = true;

    /// <summary>Where the fake clock starts; null for <c>FakeTimeProvider</c>'s default (2000-01-01 UTC).</summary>
    public DateTimeOffset? ClockStart { get; set; }

    /// <summary>The loggers devices and the core get; none by default.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>How many exits <see cref="TestVm.Exits"/> keeps (the latest); 0 keeps none.</summary>
    public int TraceCapacity { get; set; } = DefaultTraceCapacity;

    /// <summary>How long a guest may run before <see cref="TestVm.RunGuest(byte[], CpuMode, ulong, TimeSpan?)"/> stops it and fails; 30 s by default.</summary>
    public TimeSpan GuestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Makes the hypervisor guests run on: the x86 emulator by default. Null builds a VM for scripted accesses only,
    /// with the kit's own RAM (guarded, so the fuzzer can catch a device writing outside it) and vCPUs.
    /// </summary>
    public Func<IHypervisor>? GuestHypervisor { get; set; } = static () => new EmulatedHypervisor();

    internal IReadOnlyList<LoadedPlugin> Plugins => _plugins;

    internal IReadOnlyList<(string Type, string Name, IConfiguration Options)> Devices => _devices;

    internal IReadOnlyList<Func<ExitHandler, ExitHandler>> Middleware => _middleware;

    /// <summary>Adds the plugin <typeparamref name="TPlugin"/>, compiled into the test, as the host would add it from its folder.</summary>
    public TestVmBuilder AddPlugin<TPlugin>() where TPlugin : IVmmPlugin, new()
    {
        _plugins.Add(LoadedPlugin.FromType<TPlugin>());
        return this;
    }

    /// <summary>Adds a plugin entry point object compiled into the test.</summary>
    public TestVmBuilder AddPlugin(IVmmPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        _plugins.Add(LoadedPlugin.FromEntry(plugin));
        return this;
    }

    /// <summary>
    /// Loads plugins from <paramref name="directory"/> with the host's <c>PluginLoader</c>, each in its own load
    /// context: a published plugin folder (<c>dotnet publish -o plugins/MyPlugin</c>) or a folder of them, as
    /// <c>vmm run --plugins</c> takes. A folder is loaded once per test process and reused by later VMs.
    /// </summary>
    /// <remarks>
    /// The plugin's types live in its own load context, so <see cref="TestVm.Device{T}"/> cannot cast to a type the
    /// test compiled against; drive such a device through its ports, or use <see cref="TestVm.Slot"/>.
    /// </remarks>
    public TestVmBuilder AddPluginsFrom(string directory)
    {
        _plugins.AddRange(PluginFolderCache.LoadAll(directory));
        return this;
    }

    /// <summary>Adds an instance of device type <paramref name="type"/> named after the type, as a VM config entry without a name is.</summary>
    /// <param name="type">The device type (<c>uart16550</c>).</param>
    /// <param name="options">Its options: an anonymous object, a dictionary or an <see cref="IConfiguration"/>; null for the defaults.</param>
    public TestVmBuilder AddDevice(string type, object? options = null) => AddDevice(type, type, options);

    /// <summary>Adds an instance <paramref name="name"/> of device type <paramref name="type"/>.</summary>
    /// <param name="type">The device type (<c>uart16550</c>).</param>
    /// <param name="name">The instance name, unique in the VM (<c>com1</c>).</param>
    /// <param name="options">
    /// Its options: an anonymous object (<c>new { Port = 0x3f8, Irq = 4 }</c>; hex strings such as <c>"0x3f8"</c>
    /// work too), a dictionary, or an <see cref="IConfiguration"/>; null for the defaults. Bound as a VM config's are:
    /// an unknown option is an error.
    /// </param>
    public TestVmBuilder AddDevice(string type, string name, object? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _devices.Add((type, name, DeviceOptions.ToConfiguration(options)));
        return this;
    }

    /// <summary>Adds exit pipeline middleware after the production ones, as <c>VmBuilder.UseMiddleware</c> does.</summary>
    public TestVmBuilder UseMiddleware(Func<ExitHandler, ExitHandler> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _middleware.Add(middleware);
        return this;
    }

    /// <summary>Sets <see cref="MemorySize"/>.</summary>
    public TestVmBuilder WithMemory(ulong bytes)
    {
        MemorySize = bytes;
        return this;
    }

    /// <summary>Sets <see cref="UnhandledAccess"/>.</summary>
    public TestVmBuilder WithUnhandledAccess(UnhandledAccessPolicy policy)
    {
        UnhandledAccess = policy;
        return this;
    }

    /// <summary>Sets <see cref="LoggerFactory"/>.</summary>
    public TestVmBuilder WithLogging(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        LoggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Runs guests on <paramref name="hypervisor"/> instead of the emulator (a <c>KvmHypervisor</c>, say).</summary>
    public TestVmBuilder WithGuestHypervisor(Func<IHypervisor> hypervisor)
    {
        ArgumentNullException.ThrowIfNull(hypervisor);
        GuestHypervisor = hypervisor;
        return this;
    }

    /// <summary>Builds a VM for scripted accesses only (<see cref="GuestHypervisor"/> = null): quicker to create, and its RAM is guarded.</summary>
    public TestVmBuilder WithoutGuestExecution()
    {
        GuestHypervisor = null;
        return this;
    }
}
