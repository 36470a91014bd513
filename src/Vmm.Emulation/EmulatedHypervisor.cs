using Vmm.Core.Hypervisor;

namespace Vmm.Emulation;

/// <summary>
/// A hypervisor with no hardware behind it: guest code is interpreted from Iced-decoded instructions, and
/// port and MMIO accesses become the same exits KVM gives, through the same pipeline. It runs anywhere
/// .NET does, so device authors can test devices without hardware virtualization.
/// </summary>
/// <example>
/// <code>
/// var emulator = new EmulatedHypervisor();
/// using var vm = emulator.CreateVirtualMachine();
/// GuestMemoryRegion ram = vm.AddRam(0, 1 &lt;&lt; 20);
/// new byte[] { 0xB0, 0x41, 0xE6, 0x80, 0xF4 }.CopyTo(ram.Slice(0x1000, 5));  // mov al,'A'; out 0x80,al; hlt
/// using var vcpu = vm.CreateVcpu(0);
/// vcpu.SetBootState(new VcpuBootState(CpuMode.Real, 0x1000));
/// VcpuRunResult result = vcpu.Run((ref ExitContext exit) =>
/// {
///     if (exit.Kind == ExitKind.Halt) exit.Outcome = ExitOutcome.StopVcpu;
/// });
/// </code>
/// </example>
public sealed class EmulatedHypervisor : IHypervisor
{
    private readonly EmulatorOptions _options;

    /// <summary>An emulator with the default <see cref="EmulatorOptions"/>.</summary>
    public EmulatedHypervisor() : this(new EmulatorOptions())
    {
    }

    /// <summary>An emulator whose vCPUs follow <paramref name="options"/> (read when each VM and vCPU is created).</summary>
    public EmulatedHypervisor(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.CpuidTable);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxVcpus, 1);
        _options = options;
    }

    /// <summary><c>emulator</c>.</summary>
    public string Name => "emulator";

    /// <summary>One per host processor: each vCPU is a busy host thread while it runs.</summary>
    public int RecommendedVcpus => Environment.ProcessorCount;

    /// <inheritdoc />
    public int MaxVcpus => _options.MaxVcpus;

    /// <summary>The options vCPUs are created with.</summary>
    public EmulatorOptions Options => _options;

    /// <summary>Creates an empty VM (no RAM, no vCPUs) whose timer runs on the system clock.</summary>
    public EmulatedVirtualMachine CreateVirtualMachine() => new(_options, TimeProvider.System);

    /// <summary>Creates an empty VM whose timer (the PIT) runs on <paramref name="time"/>: a fake clock in tests.</summary>
    public EmulatedVirtualMachine CreateVirtualMachine(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new(_options, time);
    }

    IVirtualMachine IHypervisor.CreateVirtualMachine() => CreateVirtualMachine();
}
