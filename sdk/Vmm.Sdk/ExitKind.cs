namespace Vmm.Sdk;

/// <summary>Why a vCPU stopped running guest code. One value per VM exit.</summary>
public enum ExitKind
{
    /// <summary>The guest executed <c>in</c> or <c>ins</c>: the handler fills <see cref="ExitContext.Data"/>.</summary>
    IoIn,
    /// <summary>The guest executed <c>out</c> or <c>outs</c>: <see cref="ExitContext.Data"/> holds the bytes written.</summary>
    IoOut,
    /// <summary>The guest read an address outside RAM: the handler fills <see cref="ExitContext.Data"/>.</summary>
    MmioRead,
    /// <summary>The guest wrote an address outside RAM: <see cref="ExitContext.Data"/> holds the bytes written.</summary>
    MmioWrite,
    /// <summary>The guest executed <c>hlt</c> and no interrupt controller will wake it.</summary>
    Halt,
    /// <summary>The guest shut the machine down (a triple fault on x86).</summary>
    Shutdown,
    /// <summary>The guest asked for a reset.</summary>
    Reset,
    /// <summary>The guest executed <c>rdmsr</c> on an MSR the hypervisor left to the VMM.</summary>
    MsrRead,
    /// <summary>The guest executed <c>wrmsr</c> on an MSR the hypervisor left to the VMM.</summary>
    MsrWrite,
    /// <summary>The guest executed <c>cpuid</c> and the hypervisor left the answer to the VMM.</summary>
    Cpuid,
    /// <summary>The guest made a hypercall.</summary>
    Hypercall,
    /// <summary>The host interrupted the vCPU (a stop, pause or kick).</summary>
    Cancelled,
    /// <summary>The hypervisor could not run the guest any further (failed entry, internal error).</summary>
    Fatal,
}
