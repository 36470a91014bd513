namespace Vmm.Core.Hypervisor;

/// <summary>Where and how a vCPU starts.</summary>
/// <param name="Mode">The CPU mode.</param>
/// <param name="EntryPoint">
/// The linear address of the first instruction. In real mode CS is <c>EntryPoint &gt;&gt; 4 &amp; 0xF000</c>
/// and IP the rest, so any address below 1 MiB works.
/// </param>
public sealed record VcpuBootState(CpuMode Mode, ulong EntryPoint)
{
    /// <summary>Initial RSP (ESP, SP).</summary>
    public ulong StackPointer { get; init; }

    /// <summary>Initial RAX (multiboot's magic goes here).</summary>
    public ulong Rax { get; init; }

    /// <summary>Initial RBX (multiboot's information address goes here).</summary>
    public ulong Rbx { get; init; }

    /// <summary>Initial RSI (the Linux boot protocol's zero page goes here).</summary>
    public ulong Rsi { get; init; }

    /// <summary>For <see cref="CpuMode.Long64"/>: the guest-physical address of the PML4 the loader built.</summary>
    public ulong PageTableRoot { get; init; }
}
