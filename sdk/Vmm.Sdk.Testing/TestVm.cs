using Microsoft.Extensions.Time.Testing;
using Vmm.Core.Buses;
using Vmm.Core.Devices;
using Vmm.Core.Machine;
using Vmm.Core.Plugins;
using Vmm.Sdk.Testing.Backend;

namespace Vmm.Sdk.Testing;

/// <summary>
/// A VM for testing devices without hardware virtualization, in the spirit of QEMU's qtest: built by the production
/// <see cref="VmBuilder"/> (same plugins, buses, middleware and exit pipeline), driven by scripted accesses that go
/// through <see cref="Vm.Pipeline"/> exactly as a backend's exits do, or by a small guest program the x86 emulator
/// runs (<see cref="RunGuest(byte[], Core.Hypervisor.CpuMode, ulong, TimeSpan?)"/>). Devices get <see cref="Clock"/> as their
/// <see cref="TimeProvider"/> and recording interrupt lines (<see cref="Irq"/>); every exit is kept in <see cref="Exits"/>.
/// </summary>
/// <example>
/// <code>
/// using var vm = TestVm.Create(b => b.AddPlugin&lt;SerialPlugin&gt;().AddDevice("uart16550", "com1", new { Port = 0x3f8, Irq = 4 }));
/// vm.Out8(0x3fb, 0x80);                       // LCR: DLAB on
/// vm.Out8(0x3f8, 0x01);                       // DLL
/// Assert.Equal(0x01, vm.In8(0x3f8));
/// vm.Out8(0x3fb, 0x03);                       // DLAB off, 8N1
/// vm.Out8(0x3f8, (byte)'A');
/// Assert.Equal("A", vm.Console("com1").ReadOutputText());
/// </code>
/// </example>
/// <remarks>
/// A test VM is used from one thread at a time: scripted accesses run on the calling thread as vCPU <see cref="VcpuId"/>.
/// </remarks>
public sealed partial class TestVm : IDisposable, IAsyncDisposable
{
    private readonly Vm _vm;
    private readonly TestVirtualMachine _machine;
    private readonly Dictionary<string, TestConsole> _consoles;
    private readonly bool _throwOnDeviceFault;
    private readonly TimeSpan _guestTimeout;
    private readonly HashSet<DeviceSlot> _reportedFaults = [];
    private Exception? _failure;
    private volatile bool _guestRunning;
    private int _vcpuId;
    private TestInterruptController? _interruptController;
    private bool _disposed;

    private TestVm(TestVmBuilder builder)
    {
        Clock = builder.ClockStart is { } start ? new FakeTimeProvider(start) : new FakeTimeProvider();
        Exits = new ExitTrace(builder.TraceCapacity);
        UnhandledAccess = builder.UnhandledAccess;
        _throwOnDeviceFault = builder.ThrowOnDeviceFault;
        _guestTimeout = builder.GuestTimeout;

        var hypervisor = new TestHypervisor(builder.GuestHypervisor, Clock, Clock.GetUtcNow());
        var vmBuilder = new VmBuilder(hypervisor, new PluginCatalog(builder.Plugins))
        {
            MemorySize = builder.MemorySize,
            VcpuCount = builder.VcpuCount,
            LoggerFactory = builder.LoggerFactory,
            TimeProvider = Clock,
            // A TestVm boots once: a reset request ends the run with VmStopKind.Reset for the test to see.
            RebootOnReset = false,
        };
        _consoles = new Dictionary<string, TestConsole>(StringComparer.OrdinalIgnoreCase);
        foreach (var (type, name, options) in builder.Devices)
        {
            var console = DeviceConsole.CreateDirect(out var hostOutput, out var hostInput);
            vmBuilder.AddDevice(new DeviceInstanceSpec(type, name, options) { Console = console, Source = "TestVm" });
            _consoles.TryAdd(name, new TestConsole(name, hostOutput, hostInput));
        }
        // Outermost of the test's middleware, so the trace shows what every later stage did to the exit.
        vmBuilder.UseMiddleware(Observe);
        foreach (var middleware in builder.Middleware)
            vmBuilder.UseMiddleware(middleware);

        _vm = vmBuilder.Build();
        _machine = hypervisor.LastMachine!;
    }

    /// <summary>Builds a test VM from <paramref name="configure"/>'s plugins and devices.</summary>
    /// <exception cref="Core.VmmException">A plugin or device cannot be used (unknown type, bad option, overlapping ranges); the message names it.</exception>
    public static TestVm Create(Action<TestVmBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new TestVmBuilder();
        configure(builder);
        return new TestVm(builder);
    }

    /// <summary>The production VM underneath: its pipeline, RAM, device slots, buses and exit metrics.</summary>
    public Vm Vm => _vm;

    /// <summary>The clock every device gets as its <see cref="TimeProvider"/>; it moves only when the test advances it.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Every exit the pipeline handled, scripted or from a guest, oldest first.</summary>
    public ExitTrace Exits { get; }

    /// <summary>What an access no device claims does; may be changed at any time.</summary>
    public UnhandledAccessPolicy UnhandledAccess { get; set; }

    /// <summary>The vCPU scripted accesses come from (the <see cref="BusAccess.VcpuId"/> devices see); 0 by default.</summary>
    public int VcpuId
    {
        get => _vcpuId;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, _vm.Vcpus.Count);
            _vcpuId = value;
        }
    }

    /// <summary>How the VM stopped (a device's <see cref="IVmControl.RequestStop"/>, a guest halt); null while it has not.</summary>
    public VmExitStatus? Status => _vm.Status;

    /// <summary>The exit code a device asked for with <see cref="IVmControl.RequestStop"/> (or of another stop); null while the VM has not stopped.</summary>
    public int? ExitCode => _vm.Status?.ExitCode;

    /// <summary>True if <see cref="RunGuest(byte[], Core.Hypervisor.CpuMode, ulong, TimeSpan?)"/> can execute guest code here.</summary>
    public bool CanRunGuest => _machine.RunsGuests;

    /// <summary>The device slots (instances as the buses hold them), in the order they were added.</summary>
    public IReadOnlyList<DeviceSlot> Slots => _vm.Devices;

    /// <summary>The slot of device instance <paramref name="name"/>: its device, access count and fault.</summary>
    public DeviceSlot Slot(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var slot in _vm.Devices)
        {
            if (string.Equals(slot.Name, name, StringComparison.OrdinalIgnoreCase))
                return slot;
        }
        throw new ArgumentException($"no device named \"{name}\"; this VM has {DescribeDevices()}", nameof(name));
    }

    /// <summary>The device object of instance <paramref name="name"/>, to drive its host side or inspect its state.</summary>
    /// <exception cref="InvalidCastException">The device is not a <typeparamref name="T"/> (a plugin loaded from a folder has its own copy of its types).</exception>
    public T Device<T>(string name) where T : class
    {
        var slot = Slot(name);
        return slot.Device as T ?? throw new InvalidCastException(
            $"device \"{slot.Name}\" is {slot.Device.GetType().FullName} from {slot.Device.GetType().Assembly.GetName().Name}, not {typeof(T).FullName}"
            + (slot.Device.GetType().FullName == typeof(T).FullName ? " (the same name from another load context: the plugin was loaded from a folder; use Slot(name).Device or the device's ports)" : ""));
    }

    /// <summary>The ranges instance <paramref name="name"/> holds on the port and MMIO buses, in its range order.</summary>
    public IReadOnlyList<DeviceRange> Ranges(string name)
    {
        var slot = Slot(name);
        return [.. _vm.IoBus.Entries.Concat(_vm.MmioBus.Entries)
            .Where(entry => ReferenceEquals(entry.Slot, slot))
            .OrderBy(entry => entry.RangeIndex)
            .Select(entry => entry.Range)];
    }

    /// <summary>The host side of instance <paramref name="name"/>'s console: its input and the output it sent.</summary>
    public TestConsole Console(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _consoles.TryGetValue(name, out var console)
            ? console
            : throw new ArgumentException($"no device named \"{name}\"; this VM has {DescribeDevices()}", nameof(name));
    }

    /// <summary>
    /// Interrupt line <paramref name="gsi"/> as the test sees it: level and a log stamped with <see cref="Clock"/>.
    /// GSI 0's log also holds the pulses of the emulated PIT's counter 0 (ISA IRQ 0).
    /// </summary>
    public RecordingInterruptLine Irq(int gsi) => _machine.Line(gsi);

    /// <summary>
    /// The PC's interrupt controller (8259A pair) the guest's interrupts go through, to assert on what a device's line
    /// did to it (IRR, ISR, IMR, the next vector) and to program it in scripted tests. On the emulator it is the one the
    /// guest programs; a scripted-only VM has one of its own.
    /// </summary>
    /// <exception cref="InvalidOperationException">The guest hypervisor models its interrupt controller itself (KVM), or the emulator's chipset is off.</exception>
    public TestInterruptController InterruptController =>
        _interruptController ??= new TestInterruptController(_machine.Chipset ?? throw new InvalidOperationException("this VM has no PC interrupt controller the kit can see: " + _machine.WhyNoChipset));

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_guestStuck)
            return; // a vCPU thread may still touch the VM's RAM: leave it rather than free it under the thread
        await _vm.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Where a device wrote past guest RAM into the kit's guard bytes, or null (always null on a guest hypervisor's RAM).</summary>
    internal string? FindRamCorruption()
    {
        foreach (var block in _machine.GuardedRam)
        {
            if (block.FindCorruption() is { } corruption)
                return corruption;
        }
        return null;
    }

    private string DescribeDevices() =>
        _vm.Devices.Count == 0 ? "no devices" : "devices " + string.Join(", ", _vm.Devices.Select(slot => $"\"{slot.Name}\" ({slot.Type})"));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Records every exit and turns device faults and (by policy) unhandled accesses into test failures.</summary>
    private ExitHandler Observe(ExitHandler next) => (ref ExitContext exit) =>
    {
        next(ref exit);
        if (Exits.Capacity > 0)
            Exits.Add(new ExitRecord(exit.Kind, exit.VcpuId, exit.Address, exit.Size, exit.Count,
                exit.Data.ToArray(), exit.Handled, exit.Outcome, Clock.GetUtcNow()));
        else
            Exits.CountDropped();

        var failure = FindFailure(ref exit);
        if (failure is null)
            return;
        Interlocked.CompareExchange(ref _failure, failure, null);
        if (_guestRunning)
            exit.Outcome = ExitOutcome.StopVm;
    };

    private Exception? FindFailure(ref ExitContext exit)
    {
        if (_throwOnDeviceFault)
        {
            foreach (var slot in _vm.Devices)
            {
                if (slot.Fault is { } fault && AddReportedFault(slot))
                    return new DeviceFaultException(slot.Name, slot.Type, ExitRecord.Describe(exit.Kind, exit.Address, exit.Size, exit.Count), fault);
            }
        }
        if (UnhandledAccess == UnhandledAccessPolicy.Fail && !exit.Handled
            && exit.Kind is ExitKind.IoIn or ExitKind.IoOut or ExitKind.MmioRead or ExitKind.MmioWrite)
        {
            var owner = exit.Kind is ExitKind.IoIn or ExitKind.IoOut
                ? _vm.IoBus.Find((ushort)exit.Address)
                : _vm.MmioBus.Find(exit.Address);
            return new UnhandledAccessException(exit.Kind, exit.Address, exit.Size, exit.Count,
                owner is null ? null : $"\"{owner.Slot.Name}\" ({owner.Slot.Type})");
        }
        return null;
    }

    private bool AddReportedFault(DeviceSlot slot)
    {
        lock (_reportedFaults)
            return _reportedFaults.Add(slot);
    }

    private void ThrowPendingFailure()
    {
        if (Interlocked.Exchange(ref _failure, null) is { } failure)
            throw failure;
    }
}
