namespace Vmm.Emulation.Execution;

/// <summary>Control register and EFER bits (Intel SDM Vol. 3A 2.5 and 2.2.1).</summary>
internal static class ControlBits
{
    public const ulong Cr0Pe = 1ul << 0;
    public const ulong Cr0Mp = 1ul << 1;
    public const ulong Cr0Em = 1ul << 2;
    public const ulong Cr0Ts = 1ul << 3;
    public const ulong Cr0Et = 1ul << 4;
    public const ulong Cr0Ne = 1ul << 5;
    public const ulong Cr0Wp = 1ul << 16;
    public const ulong Cr0Am = 1ul << 18;
    public const ulong Cr0Nw = 1ul << 29;
    public const ulong Cr0Cd = 1ul << 30;
    public const ulong Cr0Pg = 1ul << 31;

    /// <summary>CR0 after reset, as KVM reports it for a new vCPU: CD, NW and ET.</summary>
    public const ulong Cr0Reset = Cr0Cd | Cr0Nw | Cr0Et;

    /// <summary>The CR0 bits a MOV may set; the rest are reserved (#GP if set in bits 32-63).</summary>
    public const ulong Cr0Writable = Cr0Pe | Cr0Mp | Cr0Em | Cr0Ts | Cr0Ne | Cr0Wp | Cr0Am | Cr0Nw | Cr0Cd | Cr0Pg;

    public const ulong Cr4Vme = 1ul << 0;
    public const ulong Cr4Pvi = 1ul << 1;
    public const ulong Cr4Tsd = 1ul << 2;
    public const ulong Cr4De = 1ul << 3;
    public const ulong Cr4Pse = 1ul << 4;
    public const ulong Cr4Pae = 1ul << 5;
    public const ulong Cr4Mce = 1ul << 6;
    public const ulong Cr4Pge = 1ul << 7;
    public const ulong Cr4Pce = 1ul << 8;
    public const ulong Cr4Osfxsr = 1ul << 9;
    public const ulong Cr4Osxmmexcpt = 1ul << 10;

    /// <summary>The CR4 bits this CPU accepts: what its CPUID admits to; others are #GP (Intel SDM Vol. 3A 2.5).</summary>
    public const ulong Cr4Writable = Cr4Tsd | Cr4De | Cr4Pse | Cr4Pae | Cr4Mce | Cr4Pge | Cr4Pce | Cr4Osfxsr | Cr4Osxmmexcpt;

    public const ulong EferSce = 1ul << 0;
    public const ulong EferLme = 1ul << 8;
    public const ulong EferLma = 1ul << 10;
    public const ulong EferNxe = 1ul << 11;

    /// <summary>The EFER bits WRMSR may set (LMA is read-only: it follows LME and CR0.PG).</summary>
    public const ulong EferWritable = EferSce | EferLme | EferNxe;
}
