namespace Vmm.Emulation;

/// <summary>How <see cref="EmulatedHypervisor"/> builds its vCPUs.</summary>
/// <example>
/// <code>
/// var cpuid = CpuidTable.CreateDefault().Set(0x4000_0000, new CpuidResult(0x4000_0000, 0, 0, 0));
/// var emulator = new EmulatedHypervisor(new EmulatorOptions { CpuidTable = cpuid });
/// </code>
/// </example>
public sealed class EmulatorOptions
{
    /// <summary>What CPUID answers; each vCPU takes a copy when it is created (and patches its APIC id in, like KVM).</summary>
    public CpuidTable CpuidTable { get; set; } = CpuidTable.CreateDefault();

    /// <summary>What RDMSR/WRMSR do with an MSR the emulator does not model.</summary>
    public UnknownMsrPolicy UnknownMsrs { get; set; } = UnknownMsrPolicy.RaiseGeneralProtection;

    /// <summary>
    /// How far the time-stamp counter advances per retired instruction. The TSC is a pure function of the
    /// instruction count (plus what the guest wrote to IA32_TIME_STAMP_COUNTER), so runs are repeatable.
    /// </summary>
    public ulong TscIncrementPerInstruction { get; set; } = 1;

    /// <summary>The most vCPUs one VM may have.</summary>
    public int MaxVcpus { get; set; } = 256;

    /// <summary>
    /// True (the default): each VM models the PC's legacy chips itself (<see cref="Chipset.PcChipset"/>: the 8259A
    /// PIC pair, the 8254 PIT and port 0x61), as KVM's in-kernel irqchip and PIT do. Interrupt lines 0-15 then
    /// reach the guest, HLT with IF=1 waits for an interrupt, and the chips' ports never reach the device buses.
    /// False: every port is the pipeline's, lines only keep their level, and HLT always exits.
    /// </summary>
    public bool LegacyChipset { get; set; } = true;
}
