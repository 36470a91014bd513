namespace Vmm.Core.Hypervisor;

/// <summary>General registers, RIP and RFLAGS, in <c>struct kvm_regs</c> order.</summary>
public struct VcpuRegisters
{
    public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rsp, Rbp;
    public ulong R8, R9, R10, R11, R12, R13, R14, R15;
    public ulong Rip, Rflags;

    public override readonly string ToString() =>
        $"rax={Rax:x16} rbx={Rbx:x16} rcx={Rcx:x16} rdx={Rdx:x16} rsi={Rsi:x16} rdi={Rdi:x16} rsp={Rsp:x16} rbp={Rbp:x16} " +
        $"r8={R8:x16} r9={R9:x16} r10={R10:x16} r11={R11:x16} r12={R12:x16} r13={R13:x16} r14={R14:x16} r15={R15:x16} " +
        $"rip={Rip:x16} rflags={Rflags:x8}";
}
